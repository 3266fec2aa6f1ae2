"""Windows high contrast (forced colours): what tells things apart must survive it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

SCREENSHOTS = Path(__file__).parent / "screenshots"
STYLE = """(selector) => [...document.querySelectorAll(selector)].map((element) => {
    const s = getComputedStyle(element);
    return {
        current: element.hasAttribute("aria-current"),
        look: [s.color, s.backgroundColor, s.fontWeight, s.textDecorationLine,
               s.borderBottomStyle + " " + s.borderBottomWidth + " " + s.borderBottomColor,
               s.outlineStyle].join(" | "),
    };
})"""


@pytest.mark.parametrize("path", ["/fr/contacts/", "/en/departments/pneumology"])
def test_the_current_menu_item_stands_out_in_forced_colours(
    page: Page, server: str, path: str
) -> None:
    page.emulate_media(forced_colors="active")
    page.goto(server + path)
    items = page.evaluate(STYLE, ".main-nav a")
    [current] = [item["look"] for item in items if item["current"]]
    others = {item["look"] for item in items if not item["current"]}
    assert len(items) == 4
    assert current not in others  # something forced colours keep sets it apart
    assert len(others) == 1  # and the others look alike


def test_the_current_language_stands_out_in_forced_colours(page: Page, server: str) -> None:
    page.emulate_media(forced_colors="active")
    page.goto(server + "/fr/")
    current = page.evaluate(
        "() => getComputedStyle(document.querySelector('.languages__current')).fontWeight"
    )
    other = page.evaluate(
        "() => getComputedStyle(document.querySelector('.languages a')).fontWeight"
    )
    assert current != other
