"""Performance budgets: small pages, everything self-hosted."""

from __future__ import annotations

import gzip
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.pages import PAGES, soup

HOME_HTML = 30 * 1024  # uncompressed
PAGE_TOTAL = 60 * 1024  # HTML + CSS + JS, compressed


def test_the_home_page_html_is_small(site_client: FlaskClient) -> None:
    for path in ("/fr/", "/en/"):
        assert len(site_client.get(path).data) < HOME_HTML


@pytest.mark.parametrize("path", sorted({page.path for page in PAGES}))
def test_html_css_and_js_of_a_page_stay_under_budget(
    site_app: Flask, site_client: FlaskClient, path: str
) -> None:
    html = site_client.get(path).data
    doc = soup(html)
    total = len(gzip.compress(html, 9))
    resources = [tag["href"] for tag in doc.select("link[rel=stylesheet]")]
    resources += [tag["src"] for tag in doc.select("script[src]")]
    for url in resources:
        parts = urlsplit(url)
        assert not parts.netloc, f"{url} is not self-hosted"
        compressed = site_client.get(parts.path, headers={"Accept-Encoding": "gzip"})
        assert compressed.status_code == 200
        total += len(compressed.data)
    assert total < PAGE_TOTAL, f"{path}: {total} bytes compressed"


def test_no_third_party_resource_anywhere(site_client: FlaskClient) -> None:
    for page in PAGES:
        doc = soup(site_client.get(page.path).data)
        for tag in doc.select("link[href], script[src], img[src], iframe, object, embed"):
            url = tag.get("href") or tag.get("src") or ""
            if tag.name == "link" and tag.get("rel") in (["alternate"], ["canonical"]):
                continue  # hreflang and canonical name our own pages
            assert not urlsplit(url).netloc, f"{page.path}: {url}"
