"""At 200 % zoom nothing in the header, the navigation or a form is cut off.

Zooming a 1280 px wide window to 200 % lays the page out in 640 CSS pixels
with every length doubled, which is what a 640 px viewport gives.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .helpers import assert_no_horizontal_scroll

OVERFLOWING_TEXT = """() => {
  const problems = [];
  for (const area of document.querySelectorAll('header, nav, form')) {
    for (const element of area.querySelectorAll('*')) {
      if (element.closest('.visually-hidden, .hp') || !element.getClientRects().length) continue;
      const ownText = [...element.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
      if (!ownText) continue;
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
        problems.push(element.tagName + ' ' + element.textContent.trim().slice(0, 40));
      }
    }
  }
  return problems;
}"""


@pytest.mark.parametrize(
    "path",
    ["/fr/", "/en/", "/fr/faire-un-don/", "/en/donate/", "/fr/contacts/", "/en/contacts/",
     "/fr/services/", "/en/departments/dermatology"],
)  # fmt: skip
def test_nothing_is_cut_off_at_200_percent(page: Page, server: str, path: str) -> None:
    page.set_viewport_size({"width": 640, "height": 450})
    page.goto(server + path)
    assert page.evaluate(OVERFLOWING_TEXT) == []
    assert_no_horizontal_scroll(page)


def test_the_check_sees_text_that_is_cut_off(page: Page) -> None:
    page.set_content(
        "<header><a href='#' style='display:block;width:40px;overflow:hidden;white-space:nowrap'>"
        "A long menu entry</a><p class='visually-hidden'>Exempt</p></header>"
    )
    assert page.evaluate(OVERFLOWING_TEXT) == ["A A long menu entry"]
