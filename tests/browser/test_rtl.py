"""A right-to-left language mirrors the layout, and stays accessible."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route

from iuc_portal import create_app
from iuc_portal.paths import TRANSLATIONS_DIR
from tests.languages import add_language

from .helpers import assert_accessible, assert_no_horizontal_scroll

ORIGIN = "http://rtl.test"


@pytest.fixture
def arabic_site(page: Page, tmp_path: Path) -> Page:
    """The site with an Arabic catalog dropped in, served in-process to the browser."""
    translations = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS_DIR, translations)
    add_language(translations, "ar")
    client = create_app(
        {"TRANSLATIONS_DIR": str(translations), "DATA_DIR": str(tmp_path / "var"),
         "SECRET_KEY": "r" * 40}
    ).test_client()  # fmt: skip

    def serve(route: Route) -> None:
        url = urlsplit(route.request.url)
        response = client.get(url.path, query_string=url.query)
        route.fulfill(
            status=response.status_code, headers=dict(response.headers), body=response.data
        )

    page.route(f"{ORIGIN}/**", serve)
    return page


def box(page: Page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_the_layout_mirrors(arabic_site: Page) -> None:
    page = arabic_site
    page.set_viewport_size({"width": 1024, "height": 700})
    page.goto(f"{ORIGIN}/ar/departments/pneumology")
    assert page.evaluate("document.dir") == "rtl"
    brand, languages = box(page, ".brand"), box(page, "nav.languages")
    assert brand["x"] > languages["x"], "the site name starts on the right"
    first, second = box(page, ".main-nav li:nth-child(1)"), box(page, ".main-nav li:nth-child(2)")
    assert first["x"] > second["x"], "the menu reads from right to left"
    heading = box(page, "main h1")
    assert heading["x"] + heading["width"] > 1024 - 60, "text starts at the right edge"
    page.keyboard.press("Tab")
    skip = box(page, ".skip-link")
    assert skip["x"] > 1024 / 2, "the skip link appears at the start of the line, on the right"
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert_no_horizontal_scroll(page)
