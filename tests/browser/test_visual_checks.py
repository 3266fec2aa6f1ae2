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


# Functions shared by the scripts below, run in the page.
#   hidden(e): not drawn for sighted visitors (visually hidden, honeypot, no box, invisible).
#   ownTextRects(e): one box per line of the text nodes directly inside e.
#   textElements(): every drawn element with text of its own ("leaf" text: a link,
#     a label, a heading, a paragraph, a list item...).
#   describe(e): how a failure names an element: tag#id.class "text".
JS_HELPERS = """
const hidden = (e) => !!e.closest('.visually-hidden, .hp')
  || !e.getClientRects().length || getComputedStyle(e).visibility !== 'visible';
const ownTextNodes = (e) => [...e.childNodes]
  .filter((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
const ownTextRects = (e) => ownTextNodes(e).flatMap((node) => {
  const range = document.createRange();
  range.selectNodeContents(node);
  return [...range.getClientRects()];
}).filter((r) => r.width > 0 && r.height > 0);
const textElements = () => [...document.body.querySelectorAll('*')]
  .filter((e) => ownTextNodes(e).length && !hidden(e) && e.tagName !== 'OPTION');
const describe = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
  + (typeof e.className === 'string' && e.className
    ? '.' + e.className.trim().split(/\\s+/)[0] : '')
  + ' "' + (e.textContent || e.value || '').trim().replace(/\\s+/g, ' ').slice(0, 40) + '"';
const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
  && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
"""


def page_script(body: str) -> str:
    """A function to evaluate in the page: the shared helpers, then ``body``."""
    return "() => {" + JS_HELPERS + body + "}"


# -- 1. Text spacing (WCAG 1.4.12) ------------------------------------------

# What WCAG 1.4.12 asks content to survive, as its own test bookmarklet sets it.
TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p, li, dd { margin-block-end: 2em !important; }
"""

# The site's CSP (style-src 'self') refuses a <style> element; a constructed
# style sheet is the way a user style sheet or an extension adds it.
APPLY_STYLE = """(css) => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  const s = getComputedStyle(document.querySelector('main h1'));
  return parseFloat(s.letterSpacing) / parseFloat(s.fontSize);
}"""

TEXT_SPACING_PROBLEMS = page_script("""
  const problems = [];
  const elements = textElements();
  // Clipped: a box that hides or scrolls its overflow holds more than it shows.
  for (const e of document.body.querySelectorAll('*')) {
    const s = getComputedStyle(e);
    const clips = [s.overflowX, s.overflowY]
      .some((o) => ['hidden', 'clip', 'auto', 'scroll'].includes(o));
    if (!clips || hidden(e) || !e.textContent.trim()) continue;
    if (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1) {
      problems.push(`clipped: ${describe(e)} (${e.scrollWidth}x${e.scrollHeight}`
        + ` in ${e.clientWidth}x${e.clientHeight})`);
    }
  }
  // Off screen: a line of text starts or ends outside the viewport's width.
  for (const e of elements) {
    if (ownTextRects(e).some((r) => r.left < -1 || r.right > innerWidth + 1)) {
      problems.push(`outside the viewport: ${describe(e)}`);
    }
  }
  // Overlapping: the boxes of two text elements, neither inside the other, meet.
  const boxes = elements.map((e) => [...e.getClientRects(), ...ownTextRects(e)]
    .filter((r) => r.width > 0 && r.height > 0));
  for (let i = 0; i < elements.length; i++) {
    for (let j = i + 1; j < elements.length; j++) {
      const [a, b] = [elements[i], elements[j]];
      if (a.contains(b) || b.contains(a)) continue;
      if (boxes[i].some((r) => boxes[j].some((q) => overlap(r, q)))) {
        problems.push(`overlap: ${describe(a)} and ${describe(b)}`);
      }
    }
  }
  return {problems, examined: elements.length};
""")


def text_spacing_problems(page: Page) -> dict:
    """Apply WCAG's text spacing, then list text that is clipped, off screen or overlapping.

    The spacing (line height 1.5, 2 em after paragraphs and list items, letter
    spacing 0.12 em, word spacing 0.16 em) is forced on every element. Then:

    - clipped: an element whose overflow is hidden, clip, auto or scroll and
      that holds text must show all of it (scroll size <= client size + 1 px);
    - off screen: no line of text (the boxes of an element's own text nodes)
      may start left of the viewport or end right of it;
    - overlapping: "text elements" are the drawn elements with text nodes of
      their own (links, labels, buttons, headings, paragraphs, list items...),
      visually hidden ones and those without a box left out. Each has boxes:
      its client rects (one for a block, one per line for an inline element)
      and those of its own lines of text, which may overflow it. For every
      pair where neither element contains the other, no box of one may cover
      a box of the other by more than 1 px both ways.
    """
    ratio = page.evaluate(APPLY_STYLE, TEXT_SPACING_CSS)
    assert abs(ratio - 0.12) < 0.005, f"the text spacing style did not apply ({ratio} em)"
    return page.evaluate(TEXT_SPACING_PROBLEMS)


# -- 2. 400 % zoom (WCAG 1.4.10) --------------------------------------------

# 1280 x 1024 at 400 % lays the page out in 320 x 256 CSS pixels.
ZOOMED_VIEWPORT = {"width": 320, "height": 256}

PAST_THE_RIGHT_EDGE = page_script("""
  const problems = [];
  for (const e of textElements()) {
    const right = Math.max(...[...e.getClientRects(), ...ownTextRects(e)].map((r) => r.right));
    if (right > innerWidth + 1) problems.push(`${describe(e)} ends at ${Math.round(right)} px`);
  }
  return {problems, scrollWidth: document.scrollingElement.scrollWidth, innerWidth};
""")


# -- 3. Target size (WCAG 2.5.8, AA) ----------------------------------------

SMALL_TARGETS = page_script("""
  const MIN = 24;
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=button]';
  // A link in running text: inside a paragraph or list item that has text of its own.
  const inSentence = (e) => {
    const block = e.tagName === 'A' && e.closest('p, li');
    if (!block) return false;
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!e.contains(node) && node.textContent.trim()) return true;
    }
    return false;
  };
  // A radio button or checkbox is one target with its labels: either one ticks it.
  const union = (rects) => {
    const left = Math.min(...rects.map((r) => r.left)), top = Math.min(...rects.map((r) => r.top));
    const right = Math.max(...rects.map((r) => r.right));
    const bottom = Math.max(...rects.map((r) => r.bottom));
    return {left, top, right, bottom, width: right - left, height: bottom - top};
  };
  const targets = [...document.querySelectorAll(selector)].filter((e) => !hidden(e)).map((e) => {
    const parts = e.matches('[type=radio], [type=checkbox]') ? [e, ...e.labels] : [e];
    const box = union(parts.filter((p) => !hidden(p)).map((p) => p.getBoundingClientRect()));
    const small = box.width < MIN - 0.01 || box.height < MIN - 0.01;
    return {e, parts, box, small, exempt: inSentence(e)};
  });
  const centre = (box) => [(box.left + box.right) / 2, (box.top + box.bottom) / 2];
  const distanceToBox = ([x, y], box) => Math.hypot(
    Math.max(box.left - x, 0, x - box.right), Math.max(box.top - y, 0, y - box.bottom));
  const related = (t, u) => t.parts
    .some((p) => u.parts.some((q) => p.contains(q) || q.contains(p)));
  const problems = [];
  for (const t of targets.filter((t) => t.small && !t.exempt)) {
    // Spacing exception: a 24 px circle centred on it meets no other target,
    // nor the circle of another small target.
    const c = centre(t.box);
    const crowded = targets.find((u) => u !== t && !related(t, u) && (
      distanceToBox(c, u.box) < MIN / 2
      || (u.small && !u.exempt && Math.hypot(...centre(u.box).map((v, i) => v - c[i])) < MIN)));
    if (crowded) {
      problems.push(`${describe(t.e)} is ${Math.round(t.box.width)}x${Math.round(t.box.height)} px`
        + `, too close to ${describe(crowded.e)}`);
    }
  }
  return {problems, examined: targets.length};
""")


# -- 4. Forced colours --------------------------------------------------------

# How an element's focus can show in forced colours: box shadows and
# backgrounds are dropped, outlines and borders stay (in system colours).
FOCUS_LOOK = page_script("""
  // What is drawn of the outline and of each side's border (nothing when its style is none).
  const drawn = (style, width, colour) => style !== 'none' && parseFloat(width) > 0
    ? `${style} ${width} ${colour}` : 'none';
  const look = (e) => {
    const s = getComputedStyle(e);
    const outline = drawn(s.outlineStyle, s.outlineWidth, s.outlineColor);
    const borders = ['Top', 'Right', 'Bottom', 'Left'].map((side) => drawn(
      s[`border${side}Style`], s[`border${side}Width`], s[`border${side}Color`]));
    return {outline: outline !== 'none', edges: [outline, ...borders].join(', ')};
  };
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const focused = look(e);
  e.blur();
  const unfocused = look(e);
  e.focus({preventScroll: true});
  return {element: describe(e), visible: focused.outline || focused.edges !== unfocused.edges};
""")

FIELD_BORDERS = page_script("""
  const fields = document.querySelectorAll(
    'input:not([type=hidden]):not([type=radio]):not([type=checkbox]), select, textarea');
  const problems = [];
  let examined = 0;
  for (const e of fields) {
    if (hidden(e)) continue;
    examined += 1;
    const s = getComputedStyle(e);
    const sides = ['Top', 'Right', 'Bottom', 'Left'];
    const drawn = sides.every((side) => s[`border${side}Style`] !== 'none'
      && parseFloat(s[`border${side}Width`]) > 0 && s[`border${side}Color`] !== s.backgroundColor);
    if (!drawn) problems.push(`${describe(e)}: ${s.borderStyle} ${s.borderWidth} ${s.borderColor}`);
  }
  return {problems, examined};
""")


def focus_problems(page: Page, presses: int) -> tuple[list[str], int]:
    """Press Tab ``presses`` times; list the focused elements that show no outline or border."""
    problems, seen = [], 0
    for _ in range(presses):
        page.keyboard.press("Tab")
        result = page.evaluate(FOCUS_LOOK)
        if result is None:
            continue
        seen += 1
        if not result["visible"]:
            problems.append(result["element"])
    return problems, seen


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
