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
def test_each_page(watched: Page, server: str, path: str) -> None:
    """One load of each page for four checks, which keeps the suite within its time budget.

    axe finds nothing and nothing goes wrong (console, CSP); at 320 px nothing
    scrolls sideways; the first Tab is the skip link and Enter moves into main.
    """
    watched.goto(server + path)
    assert_accessible(watched)
    assert_no_problems(watched)

    watched.set_viewport_size({"width": 320, "height": 640})
    assert_no_horizontal_scroll(watched)

    watched.keyboard.press("Tab")
    assert active(watched)["href"] == "#main", "the skip link comes first"
    watched.keyboard.press("Enter")
    assert watched.evaluate("document.activeElement.id") == "main"
    watched.keyboard.press("Tab")
    after_main = watched.evaluate(
        """() => { const main = document.getElementById('main'), e = document.activeElement;
           const after = main.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING;
           return main.contains(e) || !!after; }"""
    )
    assert after_main, "after the skip link, Tab goes on from the main content"
