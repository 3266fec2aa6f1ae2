"""Which locales a site offers, found from translations/ at start."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from iuc_portal.i18n import describe_locale, discover_locales
from iuc_portal.paths import TRANSLATIONS_DIR


def add_catalog(root: Path, code: str, translated: int, total: int) -> None:
    folder = root / code / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog = Catalog(locale=code)
    for index in range(total):
        catalog.add(f"message {index}", f"traduction {index}" if index < translated else "")
    with (folder / "messages.po").open("wb") as handle:
        write_po(handle, catalog)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)


@pytest.fixture
def translations(tmp_path: Path) -> Path:
    root = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS_DIR, root, ignore=shutil.ignore_patterns("*.pot"))
    return root


def test_shipped_locales_default_first(translations: Path) -> None:
    offered = discover_locales(translations, ("fr", "en"), 100, "fr")
    assert offered.codes == ["fr", "en"]
    assert offered.get("fr").name == "Français"
    assert offered.get("en").name == "English"


def test_a_complete_catalog_adds_a_language(translations: Path) -> None:
    add_catalog(translations, "de", 10, 10)
    offered = discover_locales(translations, ("fr", "en"), 100, "fr")
    assert offered.codes == ["fr", "de", "en"]
    assert offered.get("de").name == "Deutsch"
    assert not offered.get("de").preview


def test_a_partial_catalog_waits_for_the_threshold(translations: Path) -> None:
    add_catalog(translations, "it", 8, 10)
    assert "it" not in discover_locales(translations, ("fr", "en"), 100, "fr")
    preview = discover_locales(translations, ("fr", "en"), 80, "fr")
    assert "it" in preview
    assert preview.get("it").preview


def test_right_to_left_scripts_get_rtl() -> None:
    assert describe_locale("ar").direction == "rtl"
    assert describe_locale("he").direction == "rtl"
    assert describe_locale("fr").direction == "ltr"
    assert describe_locale("pt_BR").tag == "pt-BR"


def test_the_site_refuses_to_start_without_its_default(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="default locale 'fr' has no compiled catalog"):
        discover_locales(tmp_path, ("en",), 100, "fr")


def test_catalogs_kept_apart_come_without_mo_files_and_the_site_compiles_its_own(
    translations: Path,
) -> None:
    add_catalog(translations, "de", 10, 10)
    for mo_path in translations.glob("*/LC_MESSAGES/messages.mo"):
        mo_path.unlink()
    offered = discover_locales(translations, ("fr", "en"), 100, "fr")
    assert offered.codes == ["fr", "en"]  # German waits for `i18n compile`
    assert (translations / "fr" / "LC_MESSAGES" / "messages.mo").is_file()
    assert not (translations / "de" / "LC_MESSAGES" / "messages.mo").exists()


def test_a_folder_that_is_not_a_locale_is_reported(translations: Path) -> None:
    add_catalog(translations, "zz", 1, 1)
    with pytest.raises(RuntimeError, match="'zz' is not a locale"):
        discover_locales(translations, ("fr", "en"), 100, "fr")
