"""Scripts the visual checks run in the page, and the Python that reads their answers.

Each script returns plain data (what it examined, and a description of each
problem it found), so that a failing test names the element in its message.
"""

from __future__ import annotations

from playwright.sync_api import Page

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
