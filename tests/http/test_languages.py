"""Choosing a language: the switcher, hreflang, and the redirect at /."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.pages import PAGES, PageRef, path_of, soup

COUNTERPART = {
    "/fr/": "/en/",
    "/fr/services/": "/en/departments/",
    "/fr/services/pneumologie": "/en/departments/pneumology",
    "/fr/services/oncologie-pediatrique": "/en/departments/pediatric-oncology",
    "/fr/contacts/": "/en/contacts/",
    "/fr/faire-un-don/": "/en/donate/",
    "/fr/accessibilite/": "/en/accessibility/",
    "/fr/mentions-legales/": "/en/legal-notice/",
    "/fr/donnees-personnelles/": "/en/privacy/",
    "/fr/plan-du-site/": "/en/site-map/",
}


@pytest.mark.parametrize(("french", "english"), COUNTERPART.items())
def test_urls_read_naturally_and_the_switcher_maps_them(
    site_client: FlaskClient, french: str, english: str
) -> None:
    for here, there, lang in ((french, english, "en"), (english, french, "fr")):
        doc = soup(site_client.get(here).data)
        link = doc.select_one(f"nav.languages a[hreflang={lang}]")
        assert link["href"] == there


def test_switching_language_keeps_the_department_chosen_for_the_contact_form(
    site_client: FlaskClient,
) -> None:
    french = soup(site_client.get("/fr/contacts/?service=urologie").data)
    english_url = french.select_one("nav.languages a[hreflang=en]")["href"]
    assert english_url == "/en/contacts/?department=urology"
    english = soup(site_client.get(english_url).data)
    assert english.select_one("select[name=subject] option[selected]")["value"] == "urology"
    assert english.select_one("nav.languages a[hreflang=fr]")["href"] == (
        "/fr/contacts/?service=urologie"
    )
    # Canonical and alternate links stay on the page itself, without the choice.
    assert "?" not in english.select_one("link[rel=canonical]")["href"]
    # A department that does not exist is not carried over.
    unknown = soup(site_client.get("/fr/contacts/?service=nulle-part").data)
    assert unknown.select_one("nav.languages a[hreflang=en]")["href"] == "/en/contacts/"


@pytest.mark.parametrize("ref", PAGES, ids=str)
def test_switcher_and_hreflang_agree_and_are_reciprocal(
    site_client: FlaskClient, ref: PageRef
) -> None:
    doc = soup(site_client.get(ref.path).data)
    alternates = {
        link["hreflang"]: path_of(link["href"])
        for link in doc.select("link[rel=alternate][hreflang]")
        if link["hreflang"] != "x-default"
    }
    switcher = {a["hreflang"]: a["href"] for a in doc.select("nav.languages a")}
    assert switcher == {code: url for code, url in alternates.items() if code != ref.locale}
    same_page = [p for p in PAGES if p.endpoint == ref.endpoint and p.args == ref.args]
    assert alternates == {p.locale: p.path for p in same_page}
    for code, url in alternates.items():
        other = soup(site_client.get(url).data)
        back = {
            link["hreflang"]: path_of(link["href"])
            for link in other.select("link[rel=alternate][hreflang]")
        }
        assert back[ref.locale] == ref.path, f"{url} does not point back to {ref.path}"
        assert other.find("html")["lang"] == code


def test_x_default_is_the_language_chooser_for_home_and_french_elsewhere(
    site_client: FlaskClient,
) -> None:
    home = soup(site_client.get("/en/").data)
    assert home.select_one("link[hreflang=x-default]")["href"] == "http://localhost/"
    page = soup(site_client.get("/en/departments/urology").data)
    x_default = page.select_one("link[hreflang=x-default]")["href"]
    assert x_default == "http://localhost/fr/services/urologie"


@pytest.mark.parametrize(
    ("cookie", "accept_language", "expected"),
    [
        (None, None, "/fr/"),
        (None, "en", "/en/"),
        (None, "en-GB,en;q=0.9", "/en/"),
        (None, "fr-CA", "/fr/"),
        (None, "fr-CA,en;q=0.5", "/fr/"),
        (None, "de-DE,en;q=0.7,fr;q=0.9", "/fr/"),
        (None, "de-DE,fr;q=0.3,en;q=0.7", "/en/"),
        (None, "en;q=0.1,fr;q=0.2", "/fr/"),
        (None, "de, it", "/fr/"),
        (None, "*", "/fr/"),
        (None, "FR", "/fr/"),
        (None, "Fr-FR", "/fr/"),
        (None, "EN-us", "/en/"),
        (None, "de;q=1, EN;q=0.5", "/en/"),
        (None, "garbage;;q=x", "/fr/"),
        ("en", "fr", "/en/"),
        ("fr", "en", "/fr/"),
        ("xx", "en", "/en/"),
        ("", "en", "/en/"),
    ],
)
def test_root_redirects_to_the_visitors_language(
    site_client: FlaskClient, cookie: str | None, accept_language: str | None, expected: str
) -> None:
    if cookie is not None:
        site_client.set_cookie("lang", cookie)
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = site_client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == expected
    assert response.headers["Vary"] == "Accept-Language, Cookie"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("path", ["/de/", "/xx/services/", "/frr/", "/FR/", "/fr-fr/"])
def test_an_unknown_locale_prefix_is_not_found(site_client: FlaskClient, path: str) -> None:
    assert site_client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/fr/services/pneumology", "/en/departments/pneumologie", "/en/services/", "/fr/donate/"],
)
def test_a_slug_from_the_other_language_is_not_found(site_client: FlaskClient, path: str) -> None:
    assert site_client.get(path).status_code == 404


def test_numbers_are_formatted_for_the_locale(site_client: FlaskClient) -> None:
    french = soup(site_client.get("/fr/").data).select_one(".figure__value")
    english = soup(site_client.get("/en/").data).select_one(".figure__value")
    assert french.get_text().strip() == "environ 30\u202f000"
    assert english.get_text().strip() == "about 30,000"
    assert french.select_one("bdi").get_text() == "30\u202f000"  # kept whole in any script


def test_phones_are_links_formatted_for_the_locale(site_client: FlaskClient) -> None:
    for path, shown in (
        ("/fr/services/urologie", "01 42 17 71 50"),
        ("/en/departments/urology", "+33 1 42 17 71 50"),
    ):
        link = soup(site_client.get(path).data).select_one("main a[href^='tel:']")
        assert link["href"] == "tel:+33142177150"
        assert link.get_text(strip=True) == shown


def test_plurals_go_through_ngettext(site_client: FlaskClient) -> None:
    french = soup(site_client.get("/fr/services/").data).select_one("#search-status").get_text()
    english = soup(site_client.get("/en/departments/").data).select_one("#search-status")
    assert "7 services" in french
    assert "7 departments" in english.get_text()


@pytest.mark.parametrize(
    ("source", "french", "english"),
    [
        ("{{ 4|percent }}", "400\u00a0%", "400%"),
        ("{{ 1234|number }}", "1\u202f234", "1,234"),
    ],
)
def test_a_formatted_constant_follows_each_request_language(
    app: Flask, source: str, french: str, english: str
) -> None:
    """Jinja would fold a filter of a constant into the compiled template, in the language
    of the first request: a page cached in French would then show English numbers too."""
    template = app.jinja_env.from_string(source)
    with app.test_request_context("/fr/"):
        assert french in template.render()
    with app.test_request_context("/en/"):
        assert english in template.render()
