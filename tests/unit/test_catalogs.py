"""The French catalog is complete, and extraction reaches the JSON content."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

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


def test_extraction_collects_templates_python_and_json_into_one_catalog(tmp_path: Path) -> None:
    output = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable, "-m", "babel.messages.frontend", "extract",
            "--mapping-file", "babel.cfg", "--no-location", "--omit-header",
            "--keywords", "_l", "--add-comments", "Translators:",
            "--output-file", str(output), ".",
        ],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with output.open("rb") as handle:
        catalog = {message.id: message for message in read_po(handle) if message.id}
    assert "Skip to main content" in catalog  # a template
    assert "Page not found" in catalog  # Python (lazy_gettext)
    assert "Pneumology" in catalog  # JSON content
    assert "departments.json: departments[pneumology].name" in catalog["Pneumology"].auto_comments
