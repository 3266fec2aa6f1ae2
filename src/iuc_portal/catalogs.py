"""Catalog chores for translators and developers: extract, update, compile, init, check, status.

Run as ``flask --app iuc_portal i18n <command>`` (the Makefile's ``i18n-*``
targets call these). ``check`` is what keeps the catalogs safe: it fails,
naming each string, when the template is stale, when a shipped language has
an untranslated or fuzzy entry, when a translation's placeholders or HTML
tags differ from the English, when a ``%`` would break formatting, or when a
plural entry lacks a form the language needs.
"""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import click
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from flask import current_app
from flask.cli import AppGroup

from .build import compile_catalogs
from .i18n import catalog_stats
from .paths import PACKAGE_DIR

TEMPLATE = "messages.pot"
# One set of extraction options, for `make i18n-extract` and for the staleness check.
EXTRACT_OPTIONS = [
    "--mapping-file", "babel.cfg",
    "--no-location", "--omit-header", "--sort-output",
    "--add-comments", "Translators:", "--strip-comments",
]  # fmt: skip

PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{\w+\}")
TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)((?:\s[^>]*)?)>")
ATTRIBUTE = re.compile(r"([\w:-]+)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)")
VOID = {"br", "img", "hr", "wbr", "input"}


def project_root() -> Path:
    root = PACKAGE_DIR.parents[1]
    if not (root / "babel.cfg").is_file():
        raise click.ClickException("catalog chores run in a checkout of the project (babel.cfg)")
    return root


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def babel(*args: str, cwd: Path, quiet: bool = True) -> None:
    options = ["--quiet"] if quiet else []
    command = [sys.executable, "-m", "babel.messages.frontend", *options, *args]
    try:
        subprocess.run(command, cwd=cwd, check=True)
    except subprocess.CalledProcessError as error:
        # pybabel has printed what went wrong (a template syntax error, say).
        raise click.ClickException(f"pybabel {args[0]} failed, see its message above") from error


def extract(root: Path, output: Path, locations: bool = False) -> None:
    """The template as `make i18n-extract` writes it; with ``locations`` for the check's own use."""
    options = [o for o in EXTRACT_OPTIONS if o != "--no-location"] if locations else EXTRACT_OPTIONS
    babel("extract", *options, "--output-file", str(output), ".", cwd=root)


# The checks. Each returns problems as "file: what is wrong", empty when all is well.


def _key(message: Message) -> tuple:
    return (message.context, message.id)


def _label(message: Message) -> str:
    text = message.id if isinstance(message.id, str) else message.id[0]
    return f"{message.context}|{text!r}" if message.context else repr(text)


def _entries(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def check_template(fresh: Catalog, committed: Catalog, name: str = TEMPLATE) -> list[str]:
    """The committed template lists exactly what the sources hold now."""
    ours = {_key(m): m for m in _entries(committed)}
    theirs = {_key(m): m for m in _entries(fresh)}
    problems = [
        f"{name}: not extracted yet: {_label(m)} (run make i18n-update)"
        for key, m in theirs.items()
        if key not in ours
    ]
    problems += [
        f"{name}: no longer in the sources: {_label(m)} (run make i18n-update)"
        for key, m in ours.items()
        if key not in theirs
    ]
    return problems


def placeholders(text: str) -> Counter[str]:
    """``%(name)s`` and ``{name}`` exactly as written: a changed name or type breaks the page."""
    return Counter(PLACEHOLDER.findall(text))


LINK_ATTRIBUTES = {"href", "src"}  # their values must not change; a title may be translated


def _tag(closing: str, name: str, attributes: str) -> str:
    kept = sorted(
        f"{attr}={value!r}" if attr.lower() in LINK_ATTRIBUTES else attr
        for attr, value in ATTRIBUTE.findall(attributes)
    )
    return f"<{closing}{name.lower()} {' '.join(kept)}>".replace(" >", ">")


def tags(text: str) -> Counter[str]:
    return Counter(_tag(*found) for found in TAG.findall(text))


def tags_nest(text: str) -> bool:
    """Every tag opened is closed, in order: ``</a> x <a>`` is not a link."""
    open_tags: list[str] = []
    for closing, name, attributes in TAG.findall(text):
        name = name.lower()
        if name in VOID or attributes.rstrip().endswith("/"):
            continue
        if not closing:
            open_tags.append(name)
        elif not open_tags or open_tags.pop() != name:
            return False
    return not open_tags


class _AnyValue(dict):
    """Formats like the values the site passes, whatever their names."""

    def __missing__(self, key: str) -> int:
        return 1


def formats(text: str) -> bool:
    """``text % values`` works, and no ``%`` stands alone (it must be written ``%%``)."""
    if re.search(r"%(?!\()", text.replace("%%", "")):
        return False
    try:
        text % _AnyValue()
    except (ValueError, TypeError, KeyError):
        return False
    return True


def one_number_forms(plural_expr: str) -> set[int]:
    """Plural forms used for one number only (English "one"): they may spell the number out."""
    rule = gettext.c2py(plural_expr)
    counts = Counter(rule(n) for n in [*range(1001), 10**6, 2 * 10**6, 10**9])
    return {form for form, count in counts.items() if count == 1}


@dataclass(frozen=True)
class Rules:
    """What a catalog's language needs, and which entries the site %-formats."""

    num_plurals: int
    one_number_forms: frozenset[int]
    formatted: frozenset[tuple] | None = None  # None: judge by the python-format flag alone
    french: bool = False  # French spacing rules apply


# French typography: no ordinary space before : ; ! ? » or after «; a space
# there lets a line break leave the sign alone at the start of the next line.
FRENCH_SPACE = re.compile(r" [:;!?»]|« ")


def check_message(message: Message, rules: Rules, shipped: bool, name: str) -> list[str]:
    label = f"{name}: {_label(message)}"
    forms = list(message.string) if message.pluralizable else [message.string]
    if message.fuzzy:
        return [f"{label}: marked fuzzy (check it, then remove the flag)"] if shipped else []
    if not any(forms):
        return [f"{label}: not translated"] if shipped else []
    problems = []
    if message.pluralizable:
        if len(forms) < rules.num_plurals or not all(forms[: rules.num_plurals]):
            count = rules.num_plurals
            missing = [str(n) for n in range(count) if n >= len(forms) or not forms[n]]
            problems.append(f"{label}: plural form {', '.join(missing)} missing")
        sources = [message.id[0], message.id[1]]
    else:
        sources = [message.id]
    expected = placeholders(" ".join(sources))
    needed = {p for source in sources for p in placeholders(source)}
    formatted = message.python_format or (
        rules.formatted is not None and _key(message) in rules.formatted
    )
    for index, form in enumerate(forms):
        if not form:
            continue
        where = f"{label} (form {index})" if message.pluralizable else label
        found = placeholders(form)
        required = needed
        if message.pluralizable and index in rules.one_number_forms:
            required = {p for p in needed if not p.startswith(("%(num)", "{num}"))}
        if set(found) - set(expected) or required - set(found):
            problems.append(
                f"{where}: placeholders {sorted(found)} differ from the English {sorted(expected)}"
            )
        if formatted and not formats(form):
            problems.append(f"{where}: a % sign breaks the formatting (write %% for a %)")
        if rules.french and (space := FRENCH_SPACE.search(form)):
            problems.append(
                f"{where}: an ordinary space in {space.group()!r}; French wants a no-break space"
                " (U+00A0) before : and », after «, and a narrow one (U+202F) before ; ! ?"
            )
        english = sources[-1 if index else 0]
        if tags(form) != tags(english) or not tags_nest(form):
            problems.append(f"{where}: HTML tags differ from the English")
    return problems


def check_catalog(
    po_path: Path, template: Catalog, shipped: bool, formatted: frozenset[tuple] | None = None
) -> list[str]:
    locale = po_path.parent.parent.name
    catalog = read_catalog(po_path, locale)
    name = str(po_path)
    problems = []
    if shipped and catalog.fuzzy:
        # pybabel and many tools skip a catalog whose header is fuzzy.
        problems.append(f"{name}: the header is marked fuzzy; check it, then remove the flag")
    if shipped:
        present = {_key(m) for m in _entries(catalog)}
        problems += [
            f"{name}: missing {_label(m)} (run make i18n-update)"
            for m in _entries(template)
            if _key(m) not in present
        ]
    rules = Rules(
        catalog.num_plurals,
        frozenset(one_number_forms(catalog.plural_expr)),
        formatted,
        french=catalog.locale is not None and catalog.locale.language == "fr",
    )
    for message in _entries(catalog):
        problems += check_message(message, rules, shipped, name)
    return problems


def formatted_entries(fresh: Catalog) -> frozenset[tuple]:
    """Entries the site %-formats when it shows them.

    Jinja's gettext formats every template string, with values or not, so a lone
    ``%`` there breaks the page; Python formats a string only when it is given
    values (Babel flags those python-format). JSON content is never formatted.
    """
    return frozenset(
        _key(message)
        for message in _entries(fresh)
        if message.python_format
        or any(path.startswith("templates/") for path, _ in message.locations)
    )


def check_all(
    translations: Path,
    template: Catalog,
    shipped: Iterable[str],
    formatted: frozenset[tuple] | None = None,
) -> list[str]:
    shipped = set(shipped)
    problems = []
    found = set()
    for po_path in sorted(translations.glob("*/LC_MESSAGES/messages.po")):
        locale = po_path.parent.parent.name
        found.add(locale)
        problems += check_catalog(po_path, template, locale in shipped, formatted)
    problems += [
        f"{translations}: shipped locale {locale!r} has no catalog"
        for locale in sorted(shipped - found - {"en"})
    ]
    return problems


@dataclass(frozen=True)
class Row:
    locale: str
    translated: int
    fuzzy: int
    untranslated: int
    percent: float
    state: str


def status_rows(translations: Path, shipped: Iterable[str], threshold: int) -> list[Row]:
    rows = []
    for po_path in sorted(translations.glob("*/LC_MESSAGES/messages.po")):
        locale = po_path.parent.parent.name
        stats = catalog_stats(po_path)
        if locale in shipped:
            state = "shipped"
        elif not po_path.with_suffix(".mo").is_file():
            state = "not compiled"
        elif stats.percent >= 100:
            state = "offered"
        elif stats.percent >= threshold:
            state = "preview (noindex)"
        else:
            state = f"not offered (below {threshold}%)"
        rows.append(
            Row(locale, stats.translated, stats.fuzzy, stats.untranslated, stats.percent, state)
        )
    return rows


# The commands.

i18n = AppGroup("i18n", help="Translation catalogs: extract, update, compile, init, check, status.")


def _without_date(po: bytes) -> bytes:
    return re.sub(rb'^"POT-Creation-Date: [^"]*"$', b"", po, count=1, flags=re.MULTILINE)


def _translations() -> Path:
    return Path(current_app.config["TRANSLATIONS_DIR"])


@i18n.command("extract")
def extract_command() -> None:
    """Collect strings from Python, templates and JSON into messages.pot."""
    root = project_root()
    extract(root, _translations() / TEMPLATE)
    click.echo(f"wrote {_translations() / TEMPLATE}")


@i18n.command("update")
def update_command() -> None:
    """Extract, then merge the template into every catalog."""
    root = project_root()
    template = _translations() / TEMPLATE
    extract(root, template)
    before = {path: path.read_bytes() for path in _translations().glob("*/LC_MESSAGES/*.po")}
    babel(
        "update", "--input-file", str(template), "--output-dir", str(_translations()),
        "--ignore-obsolete", "--no-fuzzy-matching", cwd=root,
    )  # fmt: skip
    # pybabel stamps every catalog with the time; where nothing else changed,
    # keep the file as it was, so that review shows only real changes.
    for path, old in before.items():
        if _without_date(path.read_bytes()) == _without_date(old):
            path.write_bytes(old)
    click.echo("catalogs updated; translate the new entries, then run make i18n-compile")


@i18n.command("compile")
def compile_command() -> None:
    """Compile every catalog, with statistics per language."""
    for mo_path in compile_catalogs(_translations()):
        stats = catalog_stats(mo_path.with_suffix(".po"))
        click.echo(
            f"{mo_path.parent.parent.name}: {stats.translated} of {stats.total} translated "
            f"({stats.percent:.0f}%), {stats.fuzzy} fuzzy -> {mo_path}"
        )


@i18n.command("init")
@click.argument("locale")
def init_command(locale: str) -> None:
    """Start the catalog of a new language, e.g. `de`."""
    template = _translations() / TEMPLATE
    babel(
        "init", "--input-file", str(template), "--output-dir", str(_translations()),
        "--locale", locale, cwd=_translations(), quiet=False,
    )  # fmt: skip
    click.echo(
        f"Translate translations/{locale}/LC_MESSAGES/messages.po, then run make i18n-compile. "
        f"The language is offered once it reaches {current_app.config['LOCALE_THRESHOLD']}%."
    )


@i18n.command("check")
def check_command() -> None:
    """Fail, naming the strings, on anything that would show a visitor a broken page."""
    root = project_root()
    committed = read_catalog(_translations() / TEMPLATE)
    with tempfile.TemporaryDirectory() as scratch:
        fresh_path = Path(scratch) / TEMPLATE
        extract(root, fresh_path, locations=True)
        fresh = read_catalog(fresh_path)
    problems = check_template(fresh, committed)
    shipped = current_app.config["SHIPPED_LOCALES"]
    problems += check_all(_translations(), committed, shipped, formatted_entries(fresh))
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the catalogs")
    click.echo("catalogs: all good")


@i18n.command("status")
def status_command() -> None:
    """Completeness of each language, read from its .po file."""
    rows = status_rows(
        _translations(),
        current_app.config["SHIPPED_LOCALES"],
        current_app.config["LOCALE_THRESHOLD"],
    )
    click.echo(f"{'locale':8} {'translated':>10} {'fuzzy':>6} {'untranslated':>12} {'%':>7}  state")
    for row in rows:
        click.echo(
            f"{row.locale:8} {row.translated:10} {row.fuzzy:6} {row.untranslated:12} "
            f"{row.percent:6.1f}%  {row.state}"
        )
