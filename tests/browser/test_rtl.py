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


def serve_arabic(page: Page, tmp_path: Path, leave_out: tuple[str, ...] = (), **config) -> Page:
    """The site with an Arabic catalog dropped in, served in-process to the browser."""
    translations = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS_DIR, translations)
    add_language(translations, "ar", leave_out=leave_out)
    client = create_app(
        {"TRANSLATIONS_DIR": str(translations), "DATA_DIR": str(tmp_path / "var"),
         "SECRET_KEY": "r" * 40, **config}
    ).test_client()  # fmt: skip

    def serve(route: Route) -> None:
        url = urlsplit(route.request.url)
        response = client.get(url.path, query_string=url.query)
        route.fulfill(
            status=response.status_code, headers=dict(response.headers), body=response.data
        )

    page.route(f"{ORIGIN}/**", serve)
    return page


@pytest.fixture
def arabic_site(page: Page, tmp_path: Path) -> Page:
    return serve_arabic(page, tmp_path)


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


# The x position, on screen, of each group of a number's text, in reading order.
GROUP_POSITIONS = """(element) => {
  const text = element.textContent;
  const node = [...element.childNodes].find((n) => n.nodeType === Node.TEXT_NODE) ||
               element.firstChild.firstChild || element.firstChild;
  const positions = [];
  let start = 0;
  for (const group of text.split(" ")) {
    const at = node.textContent.indexOf(group, start);
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + group.length);
    positions.push(range.getBoundingClientRect().x);
    start = at + group.length;
  }
  return positions;
}"""


def test_numbers_and_addresses_read_in_their_own_order_in_arabic(
    arabic_site: Page, tmp_path: Path
) -> None:
    page = arabic_site
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(f"{ORIGIN}/ar/departments/pneumology")
    phone = page.locator("main a.phone").first
    number = phone.inner_text()
    assert number == "+33 1 42 16 78 84"
    positions = phone.evaluate(GROUP_POSITIONS)
    assert positions == sorted(positions), f"digit groups out of order on screen: {positions}"
    # What a relative selects and copies is the number as written.
    copied = phone.evaluate(
        """(e) => { const r = document.createRange(); r.selectNodeContents(e);
                   const s = getSelection(); s.removeAllRanges(); s.addRange(r);
                   return s.toString(); }"""
    )
    assert copied == number
    street = page.locator("main address bdi", has_text="boulevard").first
    assert street.inner_text() == "47-83 boulevard de l’Hôpital"
    words = street.evaluate(GROUP_POSITIONS)
    assert words == sorted(words), "the street number stays before the street, left to right"


UNTRANSLATED = "Pneumology (respiratory medicine) treats diseases of the lungs and airways."


def test_untranslated_text_reads_left_to_right_full_stop_included(
    page: Page, tmp_path: Path
) -> None:
    """A paragraph still in English in an Arabic page (a preview language) is marked
    English and left to right, so its full stop stays at its end, on the right."""
    page = serve_arabic(page, tmp_path, leave_out=(UNTRANSLATED,), LOCALE_THRESHOLD=50)
    page.goto(f"{ORIGIN}/ar/departments/pneumology")
    marked = page.locator("main [lang=en]")
    assert marked.count() > 0
    for element in marked.all():
        assert element.get_attribute("dir") == "ltr"
    paragraph = page.locator("main [lang=en]", has_text="respiratory medicine").first
    stop, last_letter = paragraph.evaluate(
        """(e) => {
            const node = e.firstChild, end = node.textContent.length;
            const x = (i) => { const r = document.createRange(); r.setStart(node, i);
                               r.setEnd(node, i + 1); return r.getBoundingClientRect().x; };
            return [x(end - 1), x(end - 2)];
        }"""
    )
    assert stop > last_letter, "the full stop follows the sentence, on its right"
