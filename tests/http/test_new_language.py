"""A new language is a catalog dropped into translations/: no code changes."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from flask import Flask

from iuc_portal import create_app
from iuc_portal.paths import TRANSLATIONS_DIR
from tests.languages import add_language
from tests.pages import soup, text_of


@pytest.fixture
def translations(tmp_path: Path) -> Path:
    root = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS_DIR, root)
    return root


def site(translations: Path, tmp_path: Path, **config) -> Flask:
    return create_app(
        {"TRANSLATIONS_DIR": str(translations), "DATA_DIR": str(tmp_path / "var"),
         "SECRET_KEY": "n" * 40, **config}
    )  # fmt: skip


def test_a_complete_german_catalog_adds_german_everywhere(
    translations: Path, tmp_path: Path
) -> None:
    add_language(translations, "de")
    client = site(translations, tmp_path).test_client()
    page = client.get("/de/departments/pneumology")  # English slugs until German ones are written
    assert page.status_code == 200
    doc = soup(page.data)
    assert doc.find("html")["lang"] == "de"
    assert doc.find("html")["dir"] == "ltr"
    assert (
        doc.select_one("link[hreflang=de]")["href"] == "http://localhost/de/departments/pneumology"
    )
    french = soup(client.get("/fr/services/pneumologie").data)
    german = french.select_one("nav.languages a[hreflang=de]")
    assert text_of(german) == "Deutsch"
    assert german["lang"] == "de"
    assert german["href"] == "/de/departments/pneumology"
    assert "http://localhost/de/" in client.get("/sitemap.xml").get_data(as_text=True)
    assert (
        client.get("/", headers={"Accept-Language": "de-AT, en;q=0.5"}).headers["Location"]
        == "/de/"
    )
    assert "noindex" not in page.get_data(as_text=True)


def test_translators_give_the_url_words_of_their_language(
    translations: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    add_language(
        translations,
        "es",
        url_words={
            "departments": "servicios",
            "pneumology": "neumologia",
            "department": "servicio",
            "contacts": "Contactos",  # not a URL word: the English one serves
            "donate": "neumologia",  # a department's word, but another kind: allowed
            "urology": "neumologia",  # the same as pneumology's: both keep their English
        },
    )
    client = site(translations, tmp_path).test_client()
    assert client.get("/es/servicios/pneumology").status_code == 200
    assert client.get("/es/servicios/urology").status_code == 200
    assert client.get("/es/servicios/neumologia").status_code == 404
    assert client.get("/es/departments/pneumology").status_code == 404
    assert client.get("/es/contacts/").status_code == 200
    assert client.get("/es/neumologia/").status_code == 200  # the donation page
    french = soup(client.get("/fr/services/pneumologie").data)
    assert french.select_one("nav.languages a[hreflang=es]")["href"] == "/es/servicios/pneumology"
    page = soup(client.get("/es/servicios/pneumology").data)
    assert page.select_one("a[href^='/es/contacts/?servicio=pneumology']") is not None
    warnings = [r.getMessage() for r in caplog.records if "URL word" in r.getMessage()]
    assert len(warnings) == 3
    assert any("'Contactos' cannot be part of a URL" in w for w in warnings)


def test_arabic_is_written_right_to_left(translations: Path, tmp_path: Path) -> None:
    add_language(translations, "ar")
    client = site(translations, tmp_path).test_client()
    doc = soup(client.get("/ar/").data)
    assert doc.find("html")["lang"] == "ar"
    assert doc.find("html")["dir"] == "rtl"
    arabic = soup(client.get("/en/").data).select_one("nav.languages a[hreflang=ar]")
    assert text_of(arabic) == "العربية"
    assert arabic["dir"] == "rtl"


def test_a_catalog_just_started_is_not_offered(translations: Path, tmp_path: Path) -> None:
    app = site(translations, tmp_path)
    result = app.test_cli_runner().invoke(args=["i18n", "init", "it"])
    assert result.exit_code == 0, result.output
    assert (translations / "it" / "LC_MESSAGES" / "messages.po").exists()
    restarted = site(translations, tmp_path)
    assert restarted.test_client().get("/it/").status_code == 404
    status = restarted.test_cli_runner().invoke(args=["i18n", "status"]).output
    assert "it " in status
    assert "not compiled" in status or "not offered" in status


def test_a_preview_language_is_offered_above_its_threshold_and_kept_out_of_search_engines(
    translations: Path, tmp_path: Path
) -> None:
    left = ("Pneumology", "years of falling cancer mortality and rising cure rates")
    add_language(translations, "it", leave_out=left)
    assert site(translations, tmp_path).test_client().get("/it/").status_code == 404  # below 100%
    client = site(translations, tmp_path, LOCALE_THRESHOLD=80).test_client()
    page = soup(client.get("/it/").data)
    assert page.find("html")["lang"] == "it"
    assert page.select_one("meta[name=robots]")["content"] == "noindex"
    # Content not yet translated falls back to
    # English, marked as English for screen readers; translated content is not marked.
    marked = [text_of(span) for span in page.select("main span[lang=en]")]
    assert "years of falling cancer mortality and rising cure rates" in marked
    assert "SIRIC Curamus" in text_of(page.find("main"))
    assert "SIRIC Curamus" not in marked
    # In a list of choices too: the option itself says it is in English.
    contacts = soup(client.get("/it/contacts/").data)
    assert contacts.select_one("option[value=pneumology]")["lang"] == "en"
    assert len(contacts.select("option[lang]")) == 1  # the translated names are not marked
    status = site(translations, tmp_path, LOCALE_THRESHOLD=80).test_cli_runner()
    assert "preview (noindex)" in status.invoke(args=["i18n", "status"]).output
    # Search engines are not told of it: no hreflang from the indexed pages, no sitemap entry.
    french = soup(client.get("/fr/").data)
    assert "it" not in [link["hreflang"] for link in french.select("link[hreflang]")]
    assert "/it/" not in client.get("/sitemap.xml").get_data(as_text=True)
    # Visitors are: the switcher offers it.
    assert any(a["href"] == "/it/" for a in french.select("nav.languages a"))


def test_interface_text_not_yet_translated_is_marked_as_english(
    translations: Path, tmp_path: Path
) -> None:
    add_language(translations, "it", share=0.5)
    client = site(translations, tmp_path, LOCALE_THRESHOLD=40).test_client()
    page = soup(client.get("/it/contacts/").data)
    marked = page.select("span[lang=en]")
    assert marked
    assert all(span["dir"] == "ltr" for span in marked)
    html = client.get("/it/contacts/").get_data(as_text=True)
    assert "\ue000" not in html
    assert "\ue001" not in html  # nothing left of the marks, in text or attributes
    assert "<span" not in page.find("title").get_text()
    for option in page.select("option"):
        assert "<span" not in option.decode_contents()


def test_updating_catalogs_with_nothing_new_changes_no_file(
    translations: Path, tmp_path: Path
) -> None:
    """pybabel stamps the time in each catalog; an update with nothing new must not show."""
    french = translations / "fr" / "LC_MESSAGES" / "messages.po"
    before = french.read_bytes()
    runner = site(translations, tmp_path).test_cli_runner()
    result = runner.invoke(args=["i18n", "update"])
    assert result.exit_code == 0, result.output
    assert french.read_bytes() == before
    # A new string, on the other hand, reaches the catalog.
    french.write_bytes(before.replace(b'msgid "First name"', b'msgid "First name, obsolete"'))
    assert runner.invoke(args=["i18n", "update"]).exit_code == 0
    updated = french.read_bytes()
    assert b'msgid "First name"\nmsgstr ""' in updated


def test_the_preview_shows_a_saved_catalog_on_the_next_reload(
    translations: Path, tmp_path: Path
) -> None:
    add_language(translations, "es", share=0.3, compile_it=False)  # not compiled, far from done
    client = site(translations, tmp_path, PREVIEW=True).test_client()
    page = client.get("/es/")
    assert page.status_code == 200  # offered in a preview, however incomplete
    assert page.headers["Cache-Control"] == "no-store"
    assert soup(page.data).select_one("meta[name=robots]")["content"] == "noindex"
    french = translations / "fr" / "LC_MESSAGES" / "messages.po"
    assert "Faire un don" in client.get("/fr/").get_data(as_text=True)
    time.sleep(0.01)  # a later modification time
    french.write_text(
        french.read_text(encoding="utf-8").replace(
            'msgstr "Faire un don"', 'msgstr "Donner à l’institut"'
        ),
        encoding="utf-8",
    )  # a translator saves in Poedit
    html = client.get("/fr/").get_data(as_text=True)
    assert "Donner à l’institut" in html
    assert "Faire un don" not in html


def test_the_preview_names_a_mistake_that_keeps_a_save_from_showing(
    translations: Path, tmp_path: Path
) -> None:
    client = site(translations, tmp_path, PREVIEW=True).test_client()
    french = translations / "fr" / "LC_MESSAGES" / "messages.po"
    good = french.read_text(encoding="utf-8")
    assert client.get("/fr/").status_code == 200
    time.sleep(0.01)  # a later modification time
    # A quotation mark typed as is: Babel would silently cut the text short.
    french.write_text(good.replace('msgstr "Faire un don"', 'msgstr "Faire un "don""', 1))
    line = good[: good.index('msgstr "Faire un don"')].count("\n") + 1
    page = soup(client.get("/fr/").data)
    notice = page.select_one("main .preview-problems")
    assert notice["lang"] == "en"
    assert f"messages.po:{line}:" in text_of(notice)
    assert "quotation mark" in text_of(notice)
    assert "Faire un don" in text_of(page.select_one(".main-nav"))  # the last good catalog
    time.sleep(0.01)
    french.write_text(good.replace('msgstr "Faire un don"', 'msgstr "Faire un « don »"', 1))
    page = soup(client.get("/fr/").data)
    assert page.select_one(".preview-problems") is None
    assert "Faire un « don »" in text_of(page.select_one(".main-nav"))


def test_an_error_while_marking_leaves_no_frame_on_the_error_page(
    translations: Path, tmp_path: Path
) -> None:
    add_language(translations, "it", share=0.5)
    app = site(translations, tmp_path, LOCALE_THRESHOLD=40)

    def broken() -> object:
        from iuc_portal.views import render_page

        return render_page("pages/no-such-page.html", title="Broken")

    app.add_url_rule("/it/broken", "broken", broken)
    response = app.test_client().get("/it/broken")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "\ue000" not in html
    assert "\ue001" not in html


def test_what_a_visitor_types_never_becomes_a_language_mark(
    translations: Path, tmp_path: Path
) -> None:
    add_language(translations, "it", share=0.5)
    client = site(translations, tmp_path, LOCALE_THRESHOLD=40).test_client()
    page = soup(client.get("/it/departments/?q=%EE%80%80poumon%EE%80%81").data)
    status = page.find(id="search-status")
    assert status.find("span", attrs={"lang": "en"}, string=lambda s: "poumon" in (s or "")) is None
