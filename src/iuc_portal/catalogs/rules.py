"""What one translated entry must respect to show a visitor a whole, correct page.

The project's own rules (placeholders, ``%`` under Jinja's formatting, HTML
tags, French spacing, plural forms) come first; translate-toolkit's checks
(those ``pofilter`` runs by default that never misfire on good French) add
whitespace, line breaks, escapes and web addresses.
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.catalog import Message

from iuc_portal.build import formats
from iuc_portal.completeness import INTENTIONALLY_SAME, URL_CONTEXT, same_as_english

from .problems import Problem, about

PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{\w+\}")
VOID = {"br", "img", "hr", "wbr", "input"}
LINK_ATTRIBUTES = {"href", "src"}  # their values must not change; a title may be translated
# French typography: no ordinary space before : ; ! ? » or after «; a space
# there lets a line break leave the sign alone at the start of the next line.
FRENCH_SPACE = re.compile(r" [:;!?»]|« ")

# translate-toolkit check -> (what is wrong, what to do), in a translator's words.
TOOLKIT_CHECKS = {
    "startwhitespace": (
        "it begins with other spaces than the English",
        "Begin it as the English does: the same spaces, or none.",
    ),
    "endwhitespace": (
        "it ends with other spaces than the English",
        "End it as the English does: the same spaces, or none.",
    ),
    "newlines": (
        "its line breaks differ from the English",
        "Keep each line break of the English, and add none.",
    ),
    "tabs": ("its tabs differ from the English", "Keep the English tabs, and add none."),
    "escapes": (
        "its backslash sequences (\\n, \\t, \\\\) differ from the English",
        "Write them as the English does.",
    ),
    "doublespacing": ("it has two spaces in a row", "Use one space."),
    "purepunc": (
        "the English is punctuation only, which stays as it is",
        "Copy the English.",
    ),
    "urls": (
        "a web address differs from the English",
        "Keep web addresses exactly as the English writes them.",
    ),
}


def placeholders(text: str) -> Counter[str]:
    """``%(name)s`` and ``{name}`` exactly as written: a changed name or type breaks the page."""
    return Counter(PLACEHOLDER.findall(text))


class _Markup(HTMLParser):
    """The tags of a text as a browser reads them: ``<a/href=...>`` and ``<svg/onload>``
    are tags too, and so is anything else that is not plain text (comments, doctypes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []  # (kind, name, shown)

    def _attributes(self, attrs: list[tuple[str, str | None]]) -> str:
        return "".join(
            f' {name}="{value}"' if name in LINK_ATTRIBUTES else f" {name}"
            for name, value in sorted(attrs, key=lambda pair: pair[0])
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append(("start", tag, f"<{tag}{self._attributes(attrs)}>"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append(("void", tag, f"<{tag}{self._attributes(attrs)}>"))

    def handle_endtag(self, tag: str) -> None:
        self.found.append(("end", tag, f"</{tag}>"))

    def handle_comment(self, data: str) -> None:
        self.found.append(("other", "", f"<!--{data}-->"))

    def handle_decl(self, decl: str) -> None:
        self.found.append(("other", "", f"<!{decl}>"))

    def handle_pi(self, data: str) -> None:
        self.found.append(("other", "", f"<?{data}>"))

    def unknown_decl(self, data: str) -> None:
        self.found.append(("other", "", f"<![{data}]>"))


def _markup(text: str) -> list[tuple[str, str, str]]:
    parser = _Markup()
    parser.feed(text)
    # What the parser still holds is an unfinished tag ("<svg/onload=..." with no ">"),
    # which the page would run on into what follows; close() would pass it on as text.
    if parser.rawdata:
        parser.found.append(("other", "", parser.rawdata[:40]))
    parser.close()
    return parser.found


def tags(text: str) -> Counter[str]:
    return Counter(shown for _, _, shown in _markup(text))


def tags_nest(text: str) -> bool:
    """Every tag opened is closed, in order: ``</a> x <a>`` is not a link."""
    open_tags: list[str] = []
    for kind, name, _ in _markup(text):
        if kind == "end":
            if not open_tags or open_tags.pop() != name:
                return False
        elif kind == "start" and name not in VOID:
            open_tags.append(name)
    return not open_tags


def stray_brackets(english: str, form: str) -> bool:
    """A ``<`` the English does not have, outside its tags: the start of markup a browser
    may still read (translations reach templates as trusted HTML)."""
    return form.count("<") > english.count("<")


def one_number_forms(plural_expr: str) -> set[int]:
    """Plural forms used for one number only (English "one"): they may spell the number out."""
    rule = gettext.c2py(plural_expr)
    counts = Counter(rule(n) for n in [*range(1001), 10**6, 2 * 10**6, 10**9])
    return {form for form, count in counts.items() if count == 1}


def _listed(items: Counter[str] | set[str]) -> str:
    return ", ".join(sorted(items))


@dataclass(frozen=True)
class Rules:
    """What a catalog's language needs, and which entries the site %-formats."""

    num_plurals: int
    one_number_forms: frozenset[int]
    formatted: frozenset[tuple] | None = None  # None: judge by the python-format flag alone
    french: bool = False  # French spacing rules apply
    english: bool = False  # a variety of English (en_GB): copies of the source are expected
    toolkit: Callable[[str, str], list[str]] | None = None  # failing translate-toolkit checks


def key(message: Message) -> tuple:
    return (message.context, message.id)


def check_message(message: Message, rules: Rules, shipped: bool, path: Path) -> list[Problem]:
    forms = list(message.string) if message.pluralizable else [message.string]
    if message.fuzzy:
        todo = "Check the translation, then clear the mark (Poedit: Needs work)."
        return [about(path, message, "marked fuzzy", todo)] if shipped else []
    if not any(forms):
        return [about(path, message, "not translated")] if shipped else []
    problems = []
    # Named in a language under way too: tools count a copy as translated, the site does not.
    if not rules.english and same_as_english(message):
        problems.append(
            about(
                path,
                message,
                "the translation is the same as the English",
                f"Translate it; if the English is right as it is (a name, say), add the flag "
                f"{INTENTIONALLY_SAME} (Weblate) or a translator comment saying "
                f"{INTENTIONALLY_SAME} (Poedit).",
            )
        )
    if message.pluralizable:
        missing = [str(n) for n in range(rules.num_plurals) if n >= len(forms) or not forms[n]]
        if missing:
            problems.append(
                about(
                    path,
                    message,
                    f"plural form {', '.join(missing)} is empty",
                    "Fill in every form your language needs (see Plurals in TRANSLATING.md).",
                )
            )
        sources = [message.id[0], message.id[1]]
    else:
        sources = [message.id]
    expected = placeholders(" ".join(sources))
    needed = {p for source in sources for p in placeholders(source)}
    formatted = message.python_format or (
        rules.formatted is not None and key(message) in rules.formatted
    )
    for index, form in enumerate(forms):
        if form:
            english = sources[-1 if index else 0]
            problems += [
                about(
                    path, message, f"{what} (form {index})" if message.pluralizable else what, todo
                )
                for what, todo in _form_problems(
                    form, english, index, message, rules, needed, expected, formatted
                )
            ]
    return problems


def _form_problems(
    form: str,
    english: str,
    index: int,
    message: Message,
    rules: Rules,
    needed: set[str],
    expected: Counter[str],
    formatted: bool,
) -> list[tuple[str, str]]:
    problems = []
    found = placeholders(form)
    required = needed
    if message.pluralizable and index in rules.one_number_forms:
        required = {p for p in needed if not p.startswith(("%(num)", "{num}"))}
    unknown, missing = set(found) - set(expected), required - set(found)
    if unknown or missing:
        what = "; ".join(
            part
            for part in (
                f"{_listed(missing)} is missing" if missing else "",
                f"{_listed(unknown)} is not in the English" if unknown else "",
            )
            if part
        )
        problems.append(
            (
                what,
                f"Keep each placeholder of the English, spelt exactly the same: "
                f"{_listed(expected) or 'none'}.",
            )
        )
    if formatted and not formats(form):
        problems.append(
            (
                "a % sign breaks the formatting",
                "Write %% for a percent sign of your own, here only.",
            )
        )
    if rules.formatted is not None and not formatted and "%%" in form and "%%" not in english:
        problems.append(
            (
                "%% shows as two signs here, as this text is not formatted",
                "Write a single % (the English does).",
            )
        )
    if rules.french and (space := FRENCH_SPACE.search(form)):
        problems.append(
            (
                f"an ordinary space in {space.group()!r}",
                "French wants a no-break space (U+00A0) before : and », after «, "
                "and a narrow one (U+202F) before ; ! ?",
            )
        )
    theirs, ours = tags(english), tags(form)
    if stray_brackets(english, form) and ours == theirs:
        problems.append(
            (
                "it has a < that is not in the English",
                "Remove it: a < starts HTML code, which the page would read as such.",
            )
        )
    if ours != theirs:
        lost, added = theirs - ours, ours - theirs
        what = "; ".join(
            part
            for part in (
                f"the tag {_listed(lost)} of the English is missing" if lost else "",
                f"the tag {_listed(added)} is not in the English" if added else "",
            )
            if part
        )
        problems.append((what, "Keep every tag of the English, attributes unchanged."))
    elif not tags_nest(form):
        problems.append(
            (
                "a tag is closed before it is opened, or not closed",
                "Put the words between the opening tag and its closing tag, as in the English.",
            )
        )
    if message.context == URL_CONTEXT:
        return problems  # URL words have their own rules (see url_words.py)
    if rules.toolkit:
        problems += [TOOLKIT_CHECKS[name] for name in rules.toolkit(english, form)]
    return problems


def toolkit_checker(language: str) -> Callable[[str, str], list[str]]:
    """translate-toolkit's checks that apply here, set up for ``language``."""
    from translate.filters import checks  # translate-toolkit, installed by make i18n-check

    checker = checks.StandardChecker(checkerconfig=checks.CheckerConfig(targetlanguage=language))

    def failing(english: str, translation: str) -> list[str]:
        failed = []
        for name in TOOLKIT_CHECKS:
            try:
                getattr(checker, name)(english, translation)
            except checks.FilterFailure:
                failed.append(name)
        if "newlines" in failed:  # a line break at either end is one mistake, told once
            failed = [name for name in failed if not name.endswith("whitespace")]
        return failed

    return failing
