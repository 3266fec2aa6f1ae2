"""The French catalog is complete, and extraction reaches the JSON content."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.pofile import read_po

from iuc_portal.catalogs import extract
from iuc_portal.content.extract import extract_json
from iuc_portal.i18n import catalog_stats
from iuc_portal.paths import CONTENT_DIR, TRANSLATIONS_DIR

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
    assert (None, "Given name") in entries
    assert "(25,50 or 25.50)" in " ".join(
        entries[(None, "Enter the amount in figures, like %(example)s")].auto_comments
    )
    # JSON content, with its file and field.
    assert "departments.json: departments[pneumology].name" in (
        entries[(None, "Pneumology")].auto_comments
    )
    # The same English word in another sense gets a context of its own.
    assert ("gift frequency", "Once") in entries
    assert not any(message.locations for message in catalog)  # no line numbers: less churn
