"""robots.txt, the sitemap, the favicon and the health check."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from flask import Flask
from flask.testing import FlaskClient

from tests.pages import PAGES, path_of, soup

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def test_robots_is_plain_text_and_names_the_sitemap(site_client: FlaskClient) -> None:
    response = site_client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "Sitemap: http://localhost/sitemap.xml" in response.get_data(as_text=True)


def test_sitemap_lists_every_page_with_its_alternates(site_client: FlaskClient) -> None:
    response = site_client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    entries = root.findall("s:url", NS)
    listed = {path_of(entry.find("s:loc", NS).text) for entry in entries}
    assert listed == {page.path for page in PAGES}
    for entry in entries:
        alternates = {
            link.get("hreflang"): link.get("href") for link in entry.findall("x:link", NS)
        }
        assert set(alternates) == {"fr", "en", "x-default"}
        assert entry.find("s:loc", NS).text in alternates.values()


def test_favicon(site_client: FlaskClient) -> None:
    response = site_client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.data[:4] == b"\x00\x00\x01\x00"


def test_health_is_ok_when_the_data_directory_is_writable(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers


def test_health_fails_when_the_data_directory_is_not_a_directory(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    app.config["DATA_DIR"] = str(blocker)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["problems"] == ["data directory is not writable"]


def test_health_fails_when_the_data_directory_is_gone(app: Flask, client: FlaskClient) -> None:
    app.config["DATA_DIR"] = "/nonexistent/iuc-var"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    assert "Set-Cookie" not in response.headers


def test_the_site_map_page_links_every_page(site_client: FlaskClient) -> None:
    for locale, path in (("fr", "/fr/plan-du-site/"), ("en", "/en/site-map/")):
        doc = soup(site_client.get(path).data)
        linked = {path_of(a["href"]) for a in doc.select("main a[href]")}
        assert linked == {page.path for page in PAGES if page.locale == locale}


# Pages that are not for search engines or the crawl: each is reached only
# after a form is sent.
UNLISTED = {"donate.thanks", "donate.cancelled", "receipts.download", "contacts.thanks"}


def test_every_page_the_app_routes_is_listed(site_app) -> None:
    routed = {
        rule.endpoint
        for rule in site_app.url_map.iter_rules()
        if "GET" in rule.methods
        and rule.endpoint != "static"
        and not rule.endpoint.startswith("meta.")
        and rule.redirect_to is None  # a spelling of a page, not a page
    }
    listed = {page.endpoint for page in PAGES}
    assert routed - UNLISTED == listed
