"""Error pages speak the visitor's language and keep HTTP's rules."""

from __future__ import annotations

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient

from tests.pages import soup, text_of

TITLES = {
    400: ("Demande incorrecte", "Bad request"),
    403: ("Accès refusé", "Access denied"),
    404: ("Page introuvable", "Page not found"),
    405: ("Action non autorisée", "Action not allowed"),
    413: ("Trop de données", "Too much data"),
    429: ("Trop de tentatives", "Too many attempts"),
    500: ("Une erreur s’est produite", "Something went wrong"),
}


@pytest.fixture
def failing_app(app: Flask) -> Flask:
    """Routes that fail on purpose, under each locale prefix."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    for locale in ("fr", "en"):
        for code in TITLES:
            if code in (405, 500):
                continue
            app.add_url_rule(
                f"/{locale}/fail/{code}", f"fail_{locale}_{code}", lambda code=code: abort(code)
            )
        app.add_url_rule(f"/{locale}/crash", f"crash_{locale}", lambda: 1 / 0)
    return app


def _request(client: FlaskClient, locale: str, code: int):
    if code == 405:
        return client.post(f"/{locale}/")
    if code == 500:
        return client.get(f"/{locale}/crash")
    return client.get(f"/{locale}/fail/{code}")


@pytest.mark.parametrize("code", sorted(TITLES))
@pytest.mark.parametrize("locale", ["fr", "en"])
def test_error_pages_are_localized(failing_app: Flask, locale: str, code: int) -> None:
    response = _request(failing_app.test_client(), locale, code)
    assert response.status_code == code
    doc = soup(response.data)
    assert doc.find("html")["lang"] == locale
    expected = TITLES[code][0 if locale == "fr" else 1]
    assert text_of(doc.find("h1")) == expected
    assert doc.title.get_text().startswith(expected)
    assert doc.select_one("meta[name=robots]")["content"] == "noindex"
    assert "Traceback" not in response.get_data(as_text=True)


def test_method_not_allowed_says_what_is_allowed(site_client: FlaskClient) -> None:
    response = site_client.post("/en/departments/")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}


def test_a_page_outside_the_locale_tree_follows_accept_language(site_client: FlaskClient) -> None:
    english = site_client.get("/nowhere", headers={"Accept-Language": "en"})
    french = site_client.get("/nowhere", headers={"Accept-Language": "fr"})
    assert soup(english.data).find("html")["lang"] == "en"
    assert soup(french.data).find("html")["lang"] == "fr"
    assert english.status_code == french.status_code == 404


def test_the_switcher_on_an_error_page_leads_home(site_client: FlaskClient) -> None:
    doc = soup(site_client.get("/fr/services/inconnu").data)
    assert doc.select_one("nav.languages a[hreflang=en]")["href"] == "/en/"


def test_too_large_a_body_is_refused(site_client: FlaskClient) -> None:
    response = site_client.post("/en/", data="x" * (65 * 1024), content_type="text/plain")
    assert response.status_code == 413


def test_a_negotiated_error_page_varies_on_the_headers_it_read(site_client: FlaskClient) -> None:
    outside = site_client.get("/nowhere", headers={"Accept-Language": "EN"})
    assert {"Accept-Language", "Cookie"} <= set(outside.vary)
    inside = site_client.get("/en/nowhere")
    assert "Accept-Language" not in inside.vary


def test_an_unlisted_error_code_still_gets_a_localized_page(app: Flask) -> None:
    app.add_url_rule("/teapot", "teapot", lambda: abort(418))
    response = app.test_client().get("/teapot", headers={"Accept-Language": "en"})
    assert response.status_code == 418
    doc = soup(response.data)
    assert doc.find("html")["lang"] == "en"
    assert text_of(doc.find("h1")) == "The request could not be completed"


def test_an_error_page_has_no_canonical_or_alternates(site_client: FlaskClient) -> None:
    doc = soup(site_client.get("/en/departments/nowhere").data)
    assert doc.select("link[rel=canonical], link[rel=alternate]") == []


def test_head_requests_are_answered(site_client: FlaskClient) -> None:
    response = site_client.head("/fr/services/pneumologie")
    assert response.status_code == 200
    assert response.data == b""
