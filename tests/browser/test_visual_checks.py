"""What axe cannot see, on every kind of page: text spacing, 400 % zoom, target size
and forced colours.

Each check is one test, run on each page type in French and English (forced
colours: French only, with a screenshot). A page type with errors is its form
sent empty, as a visitor who presses the button first does.

Forced-colour screenshots are written to tests/browser/screenshots/ only with
`IUC_UPDATE_SNAPSHOTS=1` (then look at them: nothing compares them by pixel);
otherwise they are taken to a temporary directory, so that a page that cannot
be drawn still fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .visual_probes import (
    FIELD_BORDERS,
    FOCUS_LOOK,
    PAST_THE_RIGHT_EDGE,
    SMALL_TARGETS,
    ZOOMED_VIEWPORT,
    focus_problems,
    text_spacing_problems,
)

SCREENSHOTS = Path(__file__).parent / "screenshots"

# Page type: (French path, English path, form sent empty or None).
PAGE_TYPES = {
    "home": ("/fr/", "/en/", None),
    "departments": ("/fr/services/", "/en/departments/", None),
    "department": ("/fr/services/pneumologie", "/en/departments/pneumology", None),
    "contacts": ("/fr/contacts/", "/en/contacts/", None),
    "donate": ("/fr/faire-un-don/", "/en/donate/", None),
    "donate-errors": ("/fr/faire-un-don/", "/en/donate/", "#donation-form"),
    "contact-errors": ("/fr/contacts/", "/en/contacts/", "#contact-form"),
    "accessibility": ("/fr/accessibilite/", "/en/accessibility/", None),
    "legal": ("/fr/mentions-legales/", "/en/legal-notice/", None),
    "privacy": ("/fr/donnees-personnelles/", "/en/privacy/", None),
    "sitemap": ("/fr/plan-du-site/", "/en/site-map/", None),
    "404": ("/fr/nulle-part", "/en/no-such-page", None),
}
BOTH_LANGUAGES = [f"{name}-{lang}" for name in PAGE_TYPES for lang in ("fr", "en")]


def open_page(page: Page, server: str, page_id: str) -> None:
    """Load a page type ("donate-errors-fr"), sending its form empty if it is an error state."""
    name, lang = page_id.rsplit("-", 1)
    french, english, form = PAGE_TYPES[name]
    response = page.goto(server + (french if lang == "fr" else english))
    assert response is not None
    assert response.status == (404 if name == "404" else 200), page.url
    if form:
        page.click(f"{form} button[type=submit]")
        expect(page.locator(f"{form} .error-summary")).to_be_focused()
        page.mouse.move(0, 0)  # no hover style left on the button


# -- The tests ----------------------------------------------------------------


@pytest.mark.parametrize("page_id", BOTH_LANGUAGES)
def test_text_spacing_cuts_off_and_overlaps_nothing(page: Page, server: str, page_id: str) -> None:
    open_page(page, server, page_id)
    result = text_spacing_problems(page)
    assert result["examined"] > 20, result
    assert result["problems"] == [], f"{page.url} with WCAG text spacing:\n" + "\n".join(
        result["problems"]
    )


@pytest.mark.parametrize("page_id", BOTH_LANGUAGES)
def test_at_400_percent_zoom_nothing_scrolls_sideways(
    page: Page, server: str, page_id: str
) -> None:
    """In 320 x 256 CSS px the page does not scroll sideways, and no text element (its
    box or its own lines of text) ends past the right edge."""
    page.set_viewport_size(ZOOMED_VIEWPORT)
    open_page(page, server, page_id)
    result = page.evaluate(PAST_THE_RIGHT_EDGE)
    assert result["innerWidth"] == ZOOMED_VIEWPORT["width"]
    assert result["scrollWidth"] <= result["innerWidth"], f"{page.url} scrolls sideways: {result}"
    assert result["problems"] == [], f"{page.url} at 400 %:\n" + "\n".join(result["problems"])


@pytest.mark.parametrize("page_id", BOTH_LANGUAGES)
def test_every_target_is_24_px_or_spaced(page: Page, server: str, page_id: str) -> None:
    """WCAG 2.5.8 at the default 1280 x 720 viewport.

    Targets: links, buttons, fields, summaries and role=button that are drawn; a
    radio button or checkbox is measured with its labels (the union of their
    boxes). One smaller than 24 x 24 passes if a 24 px circle centred on it
    meets no other target's box and no other small target's circle. A link in
    running text (in a p or li that has text outside the link) is exempt.
    """
    open_page(page, server, page_id)
    result = page.evaluate(SMALL_TARGETS)
    assert result["examined"] > 10, result
    assert result["problems"] == [], f"{page.url} small targets:\n" + "\n".join(result["problems"])


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_forced_colours_keep_focus_and_field_borders(
    page: Page, server: str, name: str, tmp_path: Path
) -> None:
    """Screenshot each page type in forced colours, then check what they must keep.

    Fields (not radios or checkboxes, which the system draws) have a border on
    every side, in another colour than their background. Focus shows on the
    focused element (where a form put it), the first 5 Tab stops of the page
    and the first 8 of the main content: an outline is drawn, or the outline
    or border differs from the unfocused element's (box shadows are dropped in
    forced colours, so they do not count).
    """
    page.emulate_media(forced_colors="active")
    open_page(page, server, f"{name}-fr")
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")

    folder = SCREENSHOTS if os.environ.get("IUC_UPDATE_SNAPSHOTS") == "1" else tmp_path
    folder.mkdir(exist_ok=True)
    page.screenshot(
        path=folder / f"forced-colours-{name}.png", full_page=True, animations="disabled"
    )

    fields = page.evaluate(FIELD_BORDERS)
    assert fields["problems"] == [], f"{page.url} fields without a border: {fields['problems']}"
    if PAGE_TYPES[name][2] or name in {"donate", "contacts"}:
        assert fields["examined"] >= 3, fields

    # Where focus already is (a form's error summary), the first stops of the
    # page, then the first stops of the main content.
    problems = []
    initial = page.evaluate(FOCUS_LOOK)
    if initial and not initial["visible"]:
        problems.append(initial["element"])
    in_header, seen_header = focus_problems(page, 5)
    page.evaluate("document.getElementById('main').focus()")
    in_main, seen_main = focus_problems(page, 8)
    assert (seen_header, seen_main) == (5, 8), "Tab should reach 5 stops, then 8 in main"
    problems += in_header + in_main
    assert problems == [], f"{page.url} focus not shown in forced colours: {problems}"


def test_the_checks_see_what_they_look_for(page: Page) -> None:
    """Each check, on a page made to fail it, names the culprit and nothing else."""
    page.set_content(
        "<main><h1>Canary</h1><p>Some text</p><p style='margin-top:-60px'>Overlapping paragraph</p>"
        "<div style='width:60px;overflow:hidden;white-space:nowrap'>A long clipped line</div>"
        "<p class='visually-hidden'>Exempt because hidden</p>"
        "<p>A <a href='#'>link in a sentence</a> is exempt.</p>"
        "<button style='font-size:8px;padding:0;border:0'>x</button> "
        "<button style='font-size:8px;padding:0;border:0'>y</button>"
        "<input type=checkbox id=c style='width:12px;height:12px;margin:0'>"
        "<label for=c style='display:inline-block;padding:6px'>Tick</label>"
        "<button style='display:block;width:20px;height:20px;margin-top:40px'>z</button>"
        "<p style='width:600px'>Too wide for a small screen</p></main>"
    )
    problems = text_spacing_problems(page)["problems"]
    assert [p.split(" (")[0] for p in problems] == [
        'clipped: div "A long clipped line"',
        'overlap: p "Some text" and p "Overlapping paragraph"',
    ], problems

    page.set_content(page.content())  # without the spacing
    small = page.evaluate(SMALL_TARGETS)["problems"]
    assert [p.split(" is ")[0] for p in small] == ['button "x"', 'button "y"'], small

    page.set_viewport_size(ZOOMED_VIEWPORT)
    wide = page.evaluate(PAST_THE_RIGHT_EDGE)["problems"]
    assert [p.split(" ends")[0] for p in wide] == ['p "Too wide for a small screen"'], wide

    page.emulate_media(forced_colors="active")
    page.set_content(
        "<style>#shadow:focus { outline: none; box-shadow: 0 0 0 3px blue; }</style>"
        "<main id=main tabindex=-1><a href='#' id=ring>Ring</a> <a href='#' id=shadow>Shadow</a>"
        " <input id=framed aria-label=Framed> <input id=bare aria-label=Bare"
        " style='border:0;background:#eee'></main>"
    )
    assert [p.split(":")[0] for p in page.evaluate(FIELD_BORDERS)["problems"]] == ['input#bare ""']
    assert focus_problems(page, 4) == (['a#shadow "Shadow"'], 4)
