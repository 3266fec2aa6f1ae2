"""Security headers, cookies, caching and the error page, as production serves them."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient

from iuc_portal import create_app
from iuc_portal.assets import asset_url
from tests.forms import CONTACT, DONATION, hidden_fields, submit
from tests.pages import PAGES, soup, text_of

STRICT = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def assert_strict_headers(response) -> None:
    csp = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    for name, value in STRICT.items():
        assert response.headers[name] == value
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize(
    "path", [p.path for p in PAGES[:4]] + ["/nowhere", "/healthz", "/sitemap.xml"]
)
def test_every_response_carries_the_headers(site_client: FlaskClient, path: str) -> None:
    response = site_client.get(path)
    assert_strict_headers(response)
    assert "Strict-Transport-Security" not in response.headers  # plain http


def test_static_files_carry_them_too(site_app: Flask, site_client: FlaskClient) -> None:
    hashed = site_app.extensions["iuc_assets"]["css/site.css"]
    response = site_client.get(f"/static/{hashed}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert_strict_headers(response)
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_static_files_are_precompressed(
    site_app: Flask, site_client: FlaskClient, encoding: str
) -> None:
    hashed = site_app.extensions["iuc_assets"]["js/vendor/htmx-2.0.11.min.js"]
    response = site_client.get(f"/static/{hashed}", headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]


def test_templates_link_the_hashed_files(site_client: FlaskClient) -> None:
    doc = soup(site_client.get("/fr/").data)
    links = [
        tag.get("href") or tag.get("src") for tag in doc.select("link[rel=stylesheet], script[src]")
    ]
    assert links
    assert all(link.startswith("/static/dist/") for link in links)


def test_hsts_over_https(site_client: FlaskClient) -> None:
    response = site_client.get("/fr/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


@pytest.mark.parametrize(("proxies", "hsts"), [(1, True), (0, False)])
def test_https_behind_a_proxy_counts_only_when_the_proxy_is_trusted(
    data_dir, proxies: int, hsts: bool
) -> None:
    app = create_app({"DATA_DIR": str(data_dir), "SECRET_KEY": "p" * 40, "PROXY_COUNT": proxies})
    client = app.test_client()
    with app.test_request_context():
        stylesheet = asset_url("css/site.css")
    # A page, a static file (served before Flask), the health check, a 404, a page from the cache.
    for path in ("/fr/", stylesheet, "/healthz", "/fr/nulle-part/", "/fr/"):
        response = client.get(path, headers={"X-Forwarded-Proto": "https"})
        assert response.status_code in (200, 404), path
        assert response.headers.get_all("Strict-Transport-Security") == (
            ["max-age=63072000; includeSubDomains"] if hsts else []
        ), path


def test_the_session_cookie_is_http_only_lax_and_secure_over_https(
    site_client: FlaskClient,
) -> None:
    plain = site_client.get("/en/donate/").headers["Set-Cookie"]
    assert "HttpOnly" in plain
    assert "SameSite=Lax" in plain
    assert "Secure" not in plain
    secure = FlaskClient(site_client.application).get("/en/donate/", base_url="https://localhost")
    assert "Secure" in secure.headers["Set-Cookie"]


def test_content_pages_are_public_with_an_etag_and_revalidate(site_client: FlaskClient) -> None:
    response = site_client.get("/fr/services/")
    assert response.headers["Cache-Control"] == "public, max-age=300"
    etag = response.headers["ETag"]
    again = site_client.get("/fr/services/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    other = site_client.get("/en/departments/")
    assert other.headers["ETag"] != etag


@pytest.mark.parametrize("path", ["/en/donate/", "/fr/contacts/", "/nowhere", "/"])
def test_pages_with_forms_errors_and_redirects_are_not_stored(
    site_client: FlaskClient, path: str
) -> None:
    assert site_client.get(path).headers["Cache-Control"] == "private, no-store"


def test_content_pages_are_rendered_once_per_process(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import iuc_portal.views as views

    renders = []
    original = views.render_template
    monkeypatch.setattr(
        views, "render_template", lambda *a, **k: renders.append(a[0]) or original(*a, **k)
    )
    first = client.get("/en/departments/urology")
    second = client.get("/en/departments/urology")
    assert renders == ["pages/department.html"]
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]
    assert second.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    # A form page as first shown is rendered once too (see the next test)...
    client.get("/en/donate/")
    client.get("/en/donate/")
    assert renders.count("pages/donate.html") == 1
    # ...but one with the visitor's own choices or errors is rendered each time.
    client.get("/en/donate/?preset=100")
    submit(client, "/en/donate/", "donation-form", {**DONATION, "email": ""})
    assert renders.count("pages/donate.html") == 3


@pytest.mark.parametrize("path", ["/en/donate/", "/fr/contacts/"])
def test_a_form_page_rendered_once_still_gives_each_visitor_their_own_token_and_key(
    app: Flask, path: str
) -> None:
    pages = [app.test_client() for _ in range(3)]
    hidden = [hidden_fields(client.get(path), form_id(path)) for client in pages]
    assert len({fields["csrf_token"] for fields in hidden}) == 3
    assert len({fields["submission_key"] for fields in hidden}) == 3
    data = DONATION if "donate" in path else CONTACT
    for client, fields in zip(pages, hidden, strict=True):  # each token is good for its visitor
        assert client.post(path, data={**fields, **data}).status_code == 303
    stranger = app.test_client()
    stranger.get(path)
    assert stranger.post(path, data={**hidden[0], **data}).status_code == 200  # "expired"


def test_a_500_shows_a_reference_and_logs_it_without_a_traceback(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/en/broken", "broken", lambda: 1 / 0)
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/en/broken")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    reference = response.headers["X-Request-ID"]
    assert reference in text_of(soup(body).find("main"))
    assert "Traceback" not in body
    assert "ZeroDivisionError" not in body
    assert "/work" not in body
    assert ".py" not in body
    assert f"request {reference} failed: GET /en/broken" in caplog.text


def test_the_form_token_survives_a_cached_page(site_client: FlaskClient) -> None:
    """A form page is never cached, so its token always matches its session."""
    first = hidden_fields(site_client.get("/en/donate/"), "donation-form")
    second = hidden_fields(site_client.get("/en/donate/"), "donation-form")
    assert first["submission_key"] != second["submission_key"]


def test_a_stored_page_is_served_with_every_header_and_revalidates(client: FlaskClient) -> None:
    first = client.get("/fr/contacts/x")  # a 404 is never stored
    assert first.status_code == 404
    rendered = client.get("/en/site-map/")
    stored = client.get("/en/site-map/")
    assert stored.data == rendered.data

    def comparable(response) -> list[tuple[str, str]]:
        return sorted((k, v) for k, v in response.headers if k not in {"Date", "X-Request-ID"})

    assert comparable(stored) == comparable(rendered)
    again = client.get("/en/site-map/", headers={"If-None-Match": stored.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert "Content-Security-Policy" in again.headers
    head = client.head("/en/site-map/")
    assert head.status_code == 200
    assert head.data == b""


def test_an_htmx_fragment_is_stored_apart_from_its_page(client: FlaskClient) -> None:
    full = client.get("/en/departments/?q=lung")
    headers = {"HX-Request": "true", "HX-Target": "department-results"}
    fragment = client.get("/en/departments/?q=lung", headers=headers)
    assert b"<html" in full.data
    assert b"<html" not in fragment.data
    assert client.get("/en/departments/?q=lung", headers=headers).data == fragment.data
    assert b"<html" in client.get("/en/departments/?q=lung").data


def test_https_pages_are_stored_apart_from_http(client: FlaskClient) -> None:
    client.get("/en/")
    secure = client.get("/en/", base_url="https://localhost")
    assert "Strict-Transport-Security" in secure.headers
    assert b"https://localhost/en/" in secure.data
    assert "Strict-Transport-Security" not in client.get("/en/").headers


def test_searches_are_kept_to_a_bounded_number(app: Flask, client: FlaskClient) -> None:
    from iuc_portal.caching import MAX_QUERIES

    for number in range(MAX_QUERIES + 20):
        client.get(f"/en/departments/?q=x{number}")
    store = app.extensions["iuc_pages_rendered"]
    assert len(store.queries) == MAX_QUERIES


def test_only_the_sites_own_host_names_are_answered(data_dir) -> None:
    app = create_app(
        {"DATA_DIR": str(data_dir), "SECRET_KEY": "h" * 40, "TRUSTED_HOSTS": ["iuc.example.fr"]}
    )
    client = app.test_client()
    assert client.get("/fr/", base_url="http://iuc.example.fr").status_code == 200
    forged = client.get("/fr/", base_url="http://evil.example")
    assert forged.status_code == 400
    assert b"evil.example" not in forged.data


def test_trusted_hosts_come_from_the_environment() -> None:
    from iuc_portal.config import from_environ

    assert from_environ({"IUC_TRUSTED_HOSTS": "a.fr, b.fr"})["TRUSTED_HOSTS"] == ["a.fr", "b.fr"]
    assert from_environ({})["TRUSTED_HOSTS"] is None


@pytest.mark.parametrize(
    ("if_none_match", "status"),
    [
        ("*", 304),
        ("W/{etag}", 304),
        ('"other", {etag}', 304),
        ('"zz{bare}zz"', 200),
        ('"nope"', 200),
    ],
)
def test_revalidation_follows_http(client: FlaskClient, if_none_match: str, status: int) -> None:
    etag = client.get("/en/legal-notice/").headers["ETag"]  # rendered; the next one is stored
    header = if_none_match.format(etag=etag, bare=etag.strip('"'))
    assert client.get("/en/legal-notice/", headers={"If-None-Match": header}).status_code == status


def test_stray_htmx_headers_do_not_split_the_cache(app: Flask, client: FlaskClient) -> None:
    for number in range(50):
        client.get("/en/", headers={"HX-Target": f"junk-{number}"})
    assert len(app.extensions["iuc_pages_rendered"].pages) == 1


def test_the_page_store_is_bounded(app: Flask, client: FlaskClient) -> None:
    from iuc_portal.caching import MAX_PAGES

    for number in range(MAX_PAGES + 10):
        client.get("/en/", base_url=f"http://host{number}.example")
    pages = app.extensions["iuc_pages_rendered"].pages
    assert len(pages) == MAX_PAGES
    assert client.get("/en/", base_url=f"http://host{MAX_PAGES + 9}.example").status_code == 200


def test_a_forwarded_host_is_never_trusted(data_dir) -> None:
    app = create_app({"DATA_DIR": str(data_dir), "SECRET_KEY": "x" * 40, "PROXY_COUNT": 1})
    headers = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    doc = soup(app.test_client().get("/fr/", headers=headers).data)
    assert doc.select_one("link[rel=canonical]")["href"] == "https://localhost/fr/"


def test_the_manifest_is_not_immutable(site_client: FlaskClient) -> None:
    response = site_client.get("/static/dist/manifest.json")
    assert "immutable" not in response.headers["Cache-Control"]


def form_id(path: str) -> str:
    return "donation-form" if "donate" in path else "contact-form"
