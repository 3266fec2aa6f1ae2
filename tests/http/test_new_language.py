"""A new language is a catalog dropped into translations/: no code changes."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from flask import Flask

from iuc_portal import create_app
from iuc_portal.paths import TRANSLATIONS_DIR
from tests.forms import DONATION, submit
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


def half_italian(translations: Path, tmp_path: Path) -> Flask:
    """A site offering Italian half translated, as a preview (threshold 40 %)."""
    add_language(translations, "it", share=0.5)
    return site(translations, tmp_path, LOCALE_THRESHOLD=40)


def save(catalog: Path, text: str) -> None:
    """Save as a translator's editor does, with a modification time surely later."""
    before = catalog.stat().st_mtime
    catalog.write_text(text, encoding="utf-8")
    os.utime(catalog, (before + 1, before + 1))


GOOD, BROKEN = 'msgstr "Faire un don"', 'msgstr "Faire un "don""'  # a quotation mark typed as is


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
    client = half_italian(translations, tmp_path).test_client()
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
    save(french, french.read_text(encoding="utf-8").replace(GOOD, 'msgstr "Donner à l’institut"'))
    html = client.get("/fr/").get_data(as_text=True)
    assert "Donner à l’institut" in html
    assert "Faire un don" not in html


FOOTER = "A question? Call the IUC coordination unit on %(phone)s."


def test_a_placeholder_the_page_cannot_fill_is_left_out_not_an_error_page(
    translations: Path, tmp_path: Path
) -> None:
    add_language(translations, "de")
    german = translations / "de" / "LC_MESSAGES" / "messages.po"
    text = german.read_text(encoding="utf-8")
    save(german, text.replace("Übersetzung " + FOOTER, "Rufen Sie %(telefon)s an."))
    # Jinja formats every template string: a lone % breaks even one without placeholders.
    text = german.read_text(encoding="utf-8")
    save(german, text.replace('msgstr "Übersetzung Language"', 'msgstr "Sprache (100 % DE)"'))
    result = site(translations, tmp_path).test_cli_runner().invoke(args=["i18n", "compile"])
    assert result.exit_code == 0, result.output
    assert "unknown named placeholder 'telefon'" in result.output  # said, with file and line
    assert '"Language": left out (a % sign breaks the formatting' in result.output
    page = site(translations, tmp_path).test_client().get("/de/")
    assert page.status_code == 200  # not a 500 on every page
    footer = text_of(soup(page.data).select_one("footer"))
    assert "A question? Call the IUC coordination unit on" in footer  # the English, filled
    assert "Übersetzung" in text_of(soup(page.data).select_one(".main-nav"))
    assert soup(page.data).select_one("nav.languages")["aria-label"] == "Language"


def test_the_preview_names_an_entry_it_leaves_out(translations: Path, tmp_path: Path) -> None:
    client = site(translations, tmp_path, PREVIEW=True).test_client()
    french = translations / "fr" / "LC_MESSAGES" / "messages.po"
    text = french.read_text(encoding="utf-8")
    assert "%(phone)s." in text
    save(french, text.replace("coordination de l’IUC au %(phone)s.", "au %(telephone)s.", 1))
    page = soup(client.get("/fr/").data)
    assert "unknown named placeholder 'telephone'" in text_of(page.select_one(".preview-problems"))
    assert "A question? Call" in text_of(page.select_one("footer"))


def test_translations_made_when_shown_are_escaped_like_any_text(
    translations: Path, tmp_path: Path
) -> None:
    add_language(translations, "de")
    german = translations / "de" / "LC_MESSAGES" / "messages.po"
    title, description = 'Impressum "A" & <b>B</b>', 'Wer "x" <i>y</i>'
    text = german.read_text(encoding="utf-8")
    text = text.replace('msgstr "Übersetzung Legal notice"', f"msgstr {json.dumps(title)}")
    text = text.replace(
        'msgstr "Übersetzung Who publishes this website and who hosts it."',
        f"msgstr {json.dumps(description)}",
    )
    save(german, text)
    site(translations, tmp_path).test_cli_runner().invoke(args=["i18n", "compile"])
    page = soup(site(translations, tmp_path).test_client().get("/de/legal-notice/").data)
    heading = page.select_one("main h1")
    assert heading.get_text() == title  # shown as typed: no <b> element made of it
    assert heading.find("b") is None
    assert page.select_one("meta[name=description]")["content"] == description


def test_the_preview_names_a_mistake_that_keeps_a_save_from_showing(
    translations: Path, tmp_path: Path
) -> None:
    client = site(translations, tmp_path, PREVIEW=True).test_client()
    french = translations / "fr" / "LC_MESSAGES" / "messages.po"
    good = french.read_text(encoding="utf-8")
    assert client.get("/fr/").status_code == 200
    # Babel would silently cut the text short, where Poedit and msgfmt refuse it.
    save(french, good.replace(GOOD, BROKEN, 1))
    line = good[: good.index(GOOD)].count("\n") + 1
    page = soup(client.get("/fr/").data)
    notice = page.select_one("main .preview-problems")
    assert notice["lang"] == "en"
    assert f"messages.po:{line}:" in text_of(notice)
    assert "quotation mark" in text_of(notice)
    assert "Faire un don" in text_of(page.select_one(".main-nav"))  # the last good catalog
    save(french, good.replace(GOOD, 'msgstr "Faire un « don »"', 1))
    page = soup(client.get("/fr/").data)
    assert page.select_one(".preview-problems") is None
    assert "Faire un « don »" in text_of(page.select_one(".main-nav"))


def test_a_catalog_broken_before_the_preview_starts_is_named_too(
    translations: Path, tmp_path: Path
) -> None:
    french = translations / "fr" / "LC_MESSAGES" / "messages.po"
    good = french.read_text(encoding="utf-8")
    save(french, good.replace(GOOD, BROKEN, 1))
    page = soup(site(translations, tmp_path, PREVIEW=True).test_client().get("/fr/").data)
    assert "quotation mark" in text_of(page.select_one("main .preview-problems"))
    assert "Faire un don" in text_of(page.select_one(".main-nav"))  # the .mo as it was


def test_one_broken_catalog_does_not_hold_back_the_others(
    translations: Path, tmp_path: Path
) -> None:
    add_language(translations, "de", share=0.5)
    client = site(translations, tmp_path, PREVIEW=True).test_client()
    german = translations / "de" / "LC_MESSAGES" / "messages.po"
    save(german, german.read_text(encoding="utf-8").replace('msgstr ""', 'msgstr "a"b"', 1))
    french = translations / "fr" / "LC_MESSAGES" / "messages.po"
    save(french, french.read_text(encoding="utf-8").replace(GOOD, 'msgstr "Donner"', 1))
    page = soup(client.get("/fr/").data)
    assert "Donner" in text_of(page.select_one(".main-nav"))
    notice = text_of(page.select_one(".preview-problems"))
    assert "de/LC_MESSAGES/messages.po" in notice
    assert "fr/LC_MESSAGES" not in notice


def test_sentences_built_in_python_are_marked_when_still_in_english(
    translations: Path, tmp_path: Path
) -> None:
    # A page title, a form's hint and its error are translated when the page shows
    # them, so a preview marks them too, amounts isolated inside.
    hint = "Between %(min)s and %(max)s. An amount entered here replaces the amount chosen above."
    english = ("Make a donation", hint, "Enter an amount of at least %(min)s")
    add_language(translations, "it", share=1.0, leave_out=english)
    client = site(translations, tmp_path, LOCALE_THRESHOLD=40).test_client()
    page = soup(submit(client, "/it/donate/", "donation-form", {**DONATION, "amount": "1"}).data)
    marked = [
        page.select_one("h1 > span[lang=en]"),
        page.select_one("#amount-hint span[lang=en]"),
        page.select_one("#amount-error span[lang=en]"),
        page.select_one(".error-summary a span[lang=en]"),
    ]
    assert [text_of(span).split()[0] for span in marked] == ["Make", "Between", "Enter", "Enter"]
    assert [bdi.get_text() for bdi in marked[2].select("bdi")] == ["5\u00a0€"]  # Italian money
    assert "traduzione" in text_of(page.select_one(".main-nav"))  # the rest is translated


def test_an_error_while_marking_leaves_no_frame_on_the_error_page(
    translations: Path, tmp_path: Path
) -> None:
    app = half_italian(translations, tmp_path)

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
    client = half_italian(translations, tmp_path).test_client()
    page = soup(client.get("/it/departments/?q=%EE%80%80poumon%EE%80%81").data)
    status = page.find(id="search-status")
    assert status.find("span", attrs={"lang": "en"}, string=lambda s: "poumon" in (s or "")) is None
