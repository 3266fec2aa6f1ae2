"""The French catalog is complete, and extraction reaches the JSON content."""

from __future__ import annotations

import ast
import configparser
import io
import re
import shutil
from pathlib import Path

from babel.messages.pofile import read_po

from iuc_portal.catalogs import extract
from iuc_portal.completeness import catalog_stats
from iuc_portal.content.extract import extract_json
from iuc_portal.paths import CONTENT_DIR, PACKAGE_DIR, TRANSLATIONS_DIR

FRENCH = TRANSLATIONS_DIR / "fr" / "LC_MESSAGES" / "messages.po"
ROOT = TRANSLATIONS_DIR.parent


def test_the_french_catalog_is_complete() -> None:
    with FRENCH.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert untranslated == []
    stats = catalog_stats(FRENCH)
    assert stats.untranslated == stats.fuzzy == 0
    assert stats.translated > 100


def test_french_plurals_have_every_form_the_language_needs() -> None:
    with FRENCH.open("rb") as handle:
        catalog = read_po(handle)
    plurals = [message for message in catalog if message.pluralizable]
    assert plurals
    for message in plurals:
        assert len(message.string) == catalog.num_plurals
        assert all(message.string)


def test_the_json_extractor_yields_content_with_file_and_field() -> None:
    source = (CONTENT_DIR / "departments.json").read_bytes()
    handle = io.BytesIO(source)
    handle.name = str(CONTENT_DIR / "departments.json")
    found = {message: comments for _, _, message, comments in extract_json(handle, {}, [], {})}
    assert found["Pneumology"][0] == "departments.json: departments[pneumology].name"
    assert "Department name" in found["Pneumology"][1]
    assert "lung, lungs, lung cancer, chest, breathing, respiratory, airways" in found
    # Identifiers, slugs and phone numbers are not for translators.
    assert "pneumologie" not in found
    assert "+33142167884" not in found


def test_extraction_collects_templates_python_and_json_with_their_comments(tmp_path: Path) -> None:
    output = tmp_path / "messages.pot"
    extract(ROOT, output)  # the options `make i18n-extract` uses
    with output.open("rb") as handle:
        catalog = read_po(handle)
    entries = {(message.context, message.id): message for message in catalog if message.id}
    # A template string, with the comment its template gives translators.
    assert "read out by screen readers just before a field's error message." in (
        entries[(None, "Error:")].auto_comments
    )
    # Python: a form label (lazy_gettext) and a message with its comment.
    assert "the first name" in " ".join(entries[(None, "First name")].auto_comments)
    assert "(25,50 or 25.50)" in " ".join(
        entries[(None, "Enter the amount in figures, like %(example)s")].auto_comments
    )
    # JSON content, with its file and field.
    assert "departments.json: departments[pneumology].name" in (
        entries[(None, "Pneumology")].auto_comments
    )
    # The same English word in another sense gets a context of its own.
    assert ("gift frequency", "One-off") in entries
    # Where each entry is used, by file only: moving code does not rewrite every catalog.
    assert ("templates/components/field.html", None) in entries[(None, "Error:")].locations
    assert all(message.locations for message in entries.values())
    # The project and version, from pyproject.toml.
    assert (catalog.project, catalog.version) == ("iuc-portal", "1.0.0")


BABEL_DEFAULT_KEYWORDS = {"_", "gettext", "ngettext", "pgettext", "npgettext", "N_"}


def _keywords() -> set[str]:
    mapping = configparser.ConfigParser()
    mapping.read(ROOT / "babel.cfg", encoding="utf-8")
    added = mapping["python: src/**.py"]["keywords"].split()
    return BABEL_DEFAULT_KEYWORDS | {keyword.split(":")[0] for keyword in added}


def test_every_gettext_name_the_code_imports_is_extracted() -> None:
    """An alias of a gettext function (Flask-Babel's, or the site's lazy ones) unknown to
    extraction would lose its strings."""
    imported = set()
    for path in PACKAGE_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in {
                "flask_babel",
                "iuc_portal.i18n",
            }:
                imported |= {
                    alias.asname or alias.name for alias in node.names if "gettext" in alias.name
                }
    assert {"_", "_l", "_lp"} <= imported
    assert imported <= _keywords()


def test_strings_marked_only_in_python_reach_the_template(tmp_path: Path) -> None:
    """With the project's babel.cfg, as `pybabel extract -F babel.cfg` would read it."""
    shutil.copy(ROOT / "babel.cfg", tmp_path / "babel.cfg")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "marked.py").write_text(
        "from flask_babel import lazy_gettext as _l, lazy_ngettext as _ln, "
        "lazy_pgettext as _lp\n"
        "from flask_babel import gettext as _, ngettext, pgettext\n"
        "# Translators: a comment for the label.\n"
        "LABEL = _l('A lazy label')\n"
        "COUNT = _ln('%(num)d lazy thing', '%(num)d lazy things', 2)\n"
        "WORD = _lp('a sense', 'Word')\n"
        "_('Plain'), ngettext('one', 'many', 2), pgettext('another sense', 'Word')\n",
        encoding="utf-8",
    )
    output = tmp_path / "messages.pot"
    extract(tmp_path, output)
    with output.open("rb") as handle:
        catalog = read_po(handle)
    found = {(message.context, message.id) for message in catalog if message.id}
    assert found == {
        (None, "A lazy label"),
        (None, ("%(num)d lazy thing", "%(num)d lazy things")),
        ("a sense", "Word"),
        (None, "Plain"),
        (None, ("one", "many")),
        ("another sense", "Word"),
    }
    assert catalog.get("A lazy label").auto_comments == ["a comment for the label."]


def _words(text: str) -> list[str]:
    return re.sub(r"%\(\w+\)\w|<[^>]+>", " ", text).split()


def test_every_short_entry_tells_translators_where_it_stands() -> None:
    """One or two words ("To", "None", "Address") read differently in other languages
    depending on where they stand: each has a note for translators or a context."""
    with (TRANSLATIONS_DIR / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    bare = [
        message.id if isinstance(message.id, str) else message.id[0]
        for message in template
        if message.id
        and len(_words(message.id if isinstance(message.id, str) else message.id[0])) <= 2
        and not (message.context or message.auto_comments)
    ]
    assert bare == []
