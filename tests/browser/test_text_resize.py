"""At 200 % zoom, or with text twice its size, nothing in the header, the navigation
or a form is cut off.

Zooming a 1280 px wide window to 200 % lays the page out in 640 CSS pixels
with every length doubled, which is what a 640 px viewport gives. Text
resized on its own is the browser's font size setting doubled (16 px to
32 px, set through Chromium's `Page.setFontSizes`, as a visitor does in the
browser's settings): in the same 640 px, every rem and em doubles, borders
and fixed widths do not. Each page is checked both ways, also with a form's
errors shown.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .helpers import assert_no_horizontal_scroll

AREAS = ("header", "nav", "form")

OVERFLOWING_TEXT = """() => {
  const problems = new Set();
  const examined = {header: 0, nav: 0, form: 0};
  for (const area of Object.keys(examined)) {
    for (const element of document.querySelectorAll(`${area} *`)) {
      if (element.closest('.visually-hidden, .hp') || !element.getClientRects().length) continue;
      const ownText = [...element.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
      if (!ownText) continue;
      examined[area] += 1;
      const box = element.getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(element);
      const text = range.getBoundingClientRect();
      const style = getComputedStyle(element);
      const overflows = element.scrollWidth > element.clientWidth + 1
                        || element.scrollHeight > element.clientHeight + 1;
      const clipped = style.overflow !== 'visible' && overflows;
      if (text.right > box.right + 1 || text.left < box.left - 1 || text.bottom > box.bottom + 1
          || text.right > innerWidth + 1 || clipped) {
        problems.add(element.tagName + ' ' + element.textContent.trim().slice(0, 40));
      }
    }
  }
  return {problems: [...problems], examined};
}"""

# Text in each area whose size must follow the browser's font size setting.
FONT_SIZES = """() => Object.fromEntries(
  ['body', 'main p', 'header a', 'nav a', 'form label', 'form button', 'form .field__control']
    .map((selector) => [selector, document.querySelector(selector)])
    .filter(([, element]) => element)
    .map(([selector, element]) => [selector, parseFloat(getComputedStyle(element).fontSize)]))"""


def assert_nothing_cut_off(page: Page, areas: tuple[str, ...], how: str) -> None:
    result = page.evaluate(OVERFLOWING_TEXT)
    assert result["problems"] == [], f"{page.url} {how}: cut off {result['problems']}"
    for area in areas:
        assert result["examined"][area] > 0, f"{page.url} {how}: no text examined in {area}"
    assert_no_horizontal_scroll(page)


def double_the_text(page: Page, areas: tuple[str, ...]) -> None:
    """Set the browser's default font size from 16 to 32 px, and check that text doubled."""
    before = page.evaluate(FONT_SIZES)
    session = page.context.new_cdp_session(page)
    session.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    after = page.evaluate(FONT_SIZES)
    measured = {"body", "main p", "header a", "nav a"}
    if "form" in areas:
        measured |= {"form label", "form button", "form .field__control"}
    assert measured <= after.keys(), f"nothing to measure for {measured - after.keys()}"
    assert after == {selector: 2 * size for selector, size in before.items()}, (before, after)


def check_both_ways(page: Page, areas: tuple[str, ...]) -> None:
    assert_nothing_cut_off(page, areas, "at 200 % zoom (640 px)")
    double_the_text(page, areas)
    assert_nothing_cut_off(page, areas, "with text doubled in 640 px")


@pytest.fixture
def narrow(page: Page) -> Page:
    page.set_viewport_size({"width": 640, "height": 450})
    return page


@pytest.mark.parametrize(
    ("path", "areas"),
    [("/fr/", ("header", "nav")), ("/en/", ("header", "nav")),
     ("/fr/faire-un-don/", AREAS), ("/en/donate/", AREAS),
     ("/fr/contacts/", AREAS), ("/en/contacts/", AREAS),
     ("/fr/services/", AREAS), ("/en/departments/dermatology", ("header", "nav"))],
)  # fmt: skip
def test_nothing_is_cut_off_at_200_percent(
    narrow: Page, server: str, path: str, areas: tuple[str, ...]
) -> None:
    narrow.goto(server + path)
    check_both_ways(narrow, areas)


@pytest.mark.parametrize(
    ("path", "form"),
    [("/fr/faire-un-don/", "#donation-form"), ("/en/donate/", "#donation-form"),
     ("/fr/contacts/", "#contact-form"), ("/en/contacts/", "#contact-form")],
)  # fmt: skip
def test_nothing_is_cut_off_in_a_form_with_its_errors(
    narrow: Page, server: str, path: str, form: str
) -> None:
    narrow.goto(server + path)
    narrow.click(f"{form} button[type=submit]")
    expect(narrow.locator(f"{form} .error-summary")).to_be_focused()
    assert narrow.locator(f"{form} .error-summary li").count() >= 3
    check_both_ways(narrow, AREAS)


def test_the_check_sees_text_that_is_cut_off(page: Page) -> None:
    page.set_content(
        "<header><a href='#' style='display:block;width:40px;overflow:hidden;white-space:nowrap'>"
        "A long menu entry</a><p class='visually-hidden'>Exempt</p></header>"
    )
    assert page.evaluate(OVERFLOWING_TEXT) == {
        "problems": ["A A long menu entry"],
        "examined": {"header": 1, "nav": 0, "form": 0},
    }
