"""The words of each language's URLs, given by its translators.

The JSON files hold the English words (``departments``, ``pneumology``); the
extractor puts each in the catalogs with the context ``URL``, and a
translator's ``services`` there makes ``/fr/services/``. A word that is not a
plain lowercase word, or that another page of the same kind already uses,
is left out and the English one serves, so a slip in a catalog never takes a
page off the site; ``make i18n-check`` names it.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from babel.support import Translations

from iuc_portal.completeness import URL_CONTEXT

from .loader import Content
from .models import SOURCE_LOCALE

log = logging.getLogger(__name__)

URL_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
RULE = "lowercase letters a to z without accents, digits and hyphens between words"


def groups(content: Content) -> dict[str, list[str]]:
    """The English words that must differ from one another, by kind."""
    return {
        "section": [slugs[SOURCE_LOCALE] for slugs in content.site.sections.values()],
        "query name": [slugs[SOURCE_LOCALE] for slugs in content.site.query_names.values()],
        "department": [d.slugs[SOURCE_LOCALE] for d in content.departments],
    }


def json_words(content: Content, locale: str) -> dict[str, str]:
    """English word -> the word the JSON itself gives for ``locale`` (the web team's; it wins)."""
    every = [*content.site.sections.values(), *content.site.query_names.values()]
    every += [d.slugs for d in content.departments]
    return {slugs[SOURCE_LOCALE]: slugs[locale] for slugs in every if locale in slugs}


def word_problems(
    english_groups: Mapping[str, Iterable[str]],
    words: Mapping[str, str],
    fixed: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """English word -> why its translation ``words[english]`` cannot be used.

    Only translations are blamed: the English words and the JSON's (``fixed``) are
    unique already, so leaving out every translation blamed, and asking again until
    none is, always ends with one word per page.
    """
    fixed = fixed or {}
    problems: dict[str, str] = {}
    for kind, english_words in english_groups.items():
        final = {e: fixed.get(e) or words.get(e) or e for e in english_words}
        translated = {e for e in english_words if e in words and e not in fixed}
        owners: dict[str, list[str]] = {}
        for english in english_words:
            owners.setdefault(final[english], []).append(english)
        for english in sorted(translated):
            word = final[english]
            others = [e for e in owners[word] if e != english]
            if not URL_WORD.fullmatch(word):
                problems[english] = f"{word!r} cannot be part of a URL: use only {RULE}"
            elif others:
                problems[english] = f"{word!r} is also the URL word of the {kind} {others[0]!r}"
    return problems


def usable_words(
    english_groups: Mapping[str, Iterable[str]],
    words: Mapping[str, str],
    fixed: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """(the words that can serve, English word -> why each other one cannot)."""
    words, left_out = dict(words), {}
    while problems := word_problems(english_groups, words, fixed):
        for english, reason in problems.items():
            left_out.setdefault(english, reason)
            words.pop(english)
    return words, left_out


def translated_words(translations_dir: Path, code: str, english: Iterable[str]) -> dict[str, str]:
    """English word -> the catalog's word for it, where the catalog gives one."""
    catalog = Translations.load(str(translations_dir), [code])
    words = {}
    for word in english:
        translated = catalog.pgettext(URL_CONTEXT, word)
        if translated and translated != word:
            words[word] = translated
    return words


def with_url_words(content: Content, translations_dir: Path, codes: Iterable[str]) -> Content:
    """``content`` whose URLs, in each language of ``codes``, use its translators' words."""
    kinds = groups(content)
    english = {word for words in kinds.values() for word in words}
    by_locale = {}
    for code in codes:
        if code == SOURCE_LOCALE:
            continue
        found = translated_words(translations_dir, code, english)
        words, left_out = usable_words(kinds, found, json_words(content, code))
        for word, reason in left_out.items():
            log.warning("URL word for %r in %s not used: %s", word, code, reason)
        by_locale[code] = words
    return dataclasses.replace(content, url_words=by_locale)
