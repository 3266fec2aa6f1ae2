"""``make i18n-check``: everything that would show a visitor a broken or half-translated page.

For each catalog, in order: the file itself (syntax.py), its header
(header.py), then each entry (rules.py) and the URL words. A catalog that
cannot be read stops at the first stage, with one line per mistake. Where
GNU ``msgfmt`` is installed, it reads every catalog that passed, as the last
word: what it refuses, Poedit and Weblate would too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po

from iuc_portal.build import catalog_paths, site_formats
from iuc_portal.completeness import URL_CONTEXT
from iuc_portal.content import Content
from iuc_portal.content.url_words import groups, json_words, usable_words

from .header import check_header, parse_plural_forms
from .problems import Problem, about, entry_label
from .rules import Rules, check_message, key, one_number_forms, toolkit_checker
from .sources import TEMPLATE
from .syntax import scan

UPDATE = "Run make i18n-update."


def entries(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def check_template(
    fresh: Catalog, committed: Catalog, path: Path | str = TEMPLATE
) -> list[Problem]:
    """The committed template lists exactly what the sources hold now."""
    ours = {key(m): m for m in entries(committed)}
    theirs = {key(m): m for m in entries(fresh)}
    problems = [
        Problem(path, 0, "not extracted yet", UPDATE, entry_label(m))
        for k, m in theirs.items()
        if k not in ours
    ]
    problems += [
        about(path, m, "no longer in the sources", UPDATE)
        for k, m in ours.items()
        if k not in theirs
    ]
    return problems


def formatted_entries(fresh: Catalog) -> frozenset[tuple]:
    """Entries the site %-formats when it shows them (a lone ``%`` breaks those)."""
    return frozenset(key(message) for message in entries(fresh) if site_formats(message))


def _read(path: Path, code: str) -> tuple[Catalog | None, list[Problem]]:
    """The catalog, or the reasons it cannot be read, each on its line."""
    scanned = scan(path)
    if not scanned.readable:
        return None, scanned.problems
    problems = check_header(path, scanned.header, code)
    plural_line = scanned.header.get("Plural-Forms", ("", 0))[0]
    try:
        parse_plural_forms(plural_line)
    except ValueError:
        return None, problems  # every plural entry would be misread: stop at the header
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=code, abort_invalid=True)
    except (PoFileError, ValueError) as error:
        return None, [*problems, Problem(path, 0, f"the file cannot be read ({error})")]
    return catalog, problems


def check_url_words(path: Path, catalog: Catalog, content: Content) -> list[Problem]:
    """Each URL word the site would leave out, named on the entry that gives it."""
    code = path.parent.parent.name
    entries_ = {m.id: m for m in entries(catalog) if m.context == URL_CONTEXT and not m.fuzzy}
    words = {english: m.string for english, m in entries_.items() if m.string != english}
    words = {english: word for english, word in words.items() if word}
    _, left_out = usable_words(groups(content), words, json_words(content, code))
    return [
        about(path, entries_[english], reason, "Choose another word, or keep the English one.")
        for english, reason in left_out.items()
    ]


def check_catalog(
    po_path: Path,
    template: Catalog,
    shipped: bool,
    formatted: frozenset[tuple] | None = None,
    content: Content | None = None,
) -> list[Problem]:
    code = po_path.parent.parent.name
    catalog, problems = _read(po_path, code)
    if catalog is None:
        return problems
    if shipped and catalog.fuzzy:
        # pybabel and many tools skip a catalog whose header is fuzzy.
        problems.append(
            Problem(po_path, 1, "the header is marked fuzzy", "Check it, then remove the flag.")
        )
    if shipped:
        present = {key(m) for m in entries(catalog)}
        problems += [
            Problem(po_path, 0, "missing from this catalog", UPDATE, entry_label(m))
            for m in entries(template)
            if key(m) not in present
        ]
    rules = Rules(
        catalog.num_plurals,
        frozenset(one_number_forms(catalog.plural_expr)),
        formatted,
        french=catalog.locale is not None and catalog.locale.language == "fr",
        english=catalog.locale is not None and catalog.locale.language == "en",
        toolkit=toolkit_checker(code),
    )
    for message in entries(catalog):
        problems += check_message(message, rules, shipped, po_path)
    if content is not None:
        problems += check_url_words(po_path, catalog, content)
    if not problems:
        problems += msgfmt(po_path)
    return problems


def msgfmt(path: Path) -> list[Problem]:
    """What GNU msgfmt -c still finds, when it is installed (apt-get install gettext)."""
    program = shutil.which("msgfmt")
    if program is None:
        return []
    result = subprocess.run(
        [program, "--check", "--output-file", os.devnull, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
        check=False,
    )
    if result.returncode == 0:
        return []
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    return [Problem(path, 0, "msgfmt refuses the file: " + " / ".join(lines))]


def check_all(
    translations: Path,
    template: Catalog,
    shipped: Iterable[str],
    formatted: frozenset[tuple] | None = None,
    content: Content | None = None,
) -> list[Problem]:
    shipped = set(shipped)
    problems = []
    found = set()
    for po_path in catalog_paths(translations):
        code = po_path.parent.parent.name
        found.add(code)
        problems += check_catalog(po_path, template, code in shipped, formatted, content)
    problems += [
        Problem(
            translations,
            0,
            f"the shipped language {code!r} has no catalog",
            f"Run make i18n-init LOCALE={code}, or remove it from IUC_SHIPPED_LOCALES.",
        )
        for code in sorted(shipped - found - {"en"})
    ]
    return problems
