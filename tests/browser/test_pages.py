"""Every page the crawl finds, in both languages, in real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.crawl import crawl
from tests.pages import collection_app

from .helpers import active, assert_accessible, assert_no_horizontal_scroll, assert_no_problems

PAGES = crawl(collection_app())


def test_the_crawl_reaches_every_kind_of_page() -> None:
    assert {"/fr/", "/en/", "/fr/services/pneumologie", "/en/donate/", "/fr/contacts/"} <= set(
        PAGES
    )
    assert len(PAGES) >= 30


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing_and_nothing_goes_wrong(watched: Page, server: str, path: str) -> None:
    watched.goto(server + path)
    assert_accessible(watched)
    assert_no_problems(watched)


@pytest.mark.parametrize("path", PAGES)
def test_nothing_scrolls_sideways_at_320_px(page: Page, server: str, path: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(server + path)
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("path", PAGES)
def test_the_first_tab_is_the_skip_link_and_enter_moves_into_main(
    page: Page, server: str, path: str
) -> None:
    page.goto(server + path)
    page.keyboard.press("Tab")
    first = active(page)
    assert first["href"] == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    after_main = page.evaluate(
        """() => { const main = document.getElementById('main'), e = document.activeElement;
           const after = main.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING;
           return main.contains(e) || !!after; }"""
    )
    assert after_main, "after the skip link, Tab goes on from the main content"
