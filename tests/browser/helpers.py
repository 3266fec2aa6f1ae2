"""What the browser tests check, written once."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
_axe = Axe()


# With JavaScript turned off (a context with java_script_enabled=False), Playwright
# still evaluates code in the page and promise reactions still run, but timers,
# queueMicrotask and MessageChannel callbacks never fire, so `axe.run` waits
# forever on its first setTimeout. Rather than run axe on a copy of the page in
# a scripted context (which would lose typed values, focus and the
# `scripting: none` media state), this runs it on the very page the visitor
# without JavaScript has: these stand-ins call back on a promise reaction
# instead, which only drops the delays axe asks for between its steps. The
# site's own scripts never ran; nothing else on the page changes.
TIMERS_WITHOUT_SCRIPTING = """() => {
  let last = 0;
  const cancelled = new Set();
  window.setTimeout = (callback, delay, ...args) => {
    const id = ++last;
    Promise.resolve().then(() => { if (!cancelled.delete(id)) callback(...args); });
    return id;
  };
  window.clearTimeout = (id) => { cancelled.add(id); };
  window.queueMicrotask = (callback) => { Promise.resolve().then(callback); };
}"""


def assert_accessible(page: Page) -> None:
    """axe-core finds no violation of WCAG 2.2 AA or its best practices.

    Also on a page with JavaScript turned off (see TIMERS_WITHOUT_SCRIPTING).
    """
    if page.evaluate("matchMedia('(scripting: none)').matches"):
        page.evaluate(TIMERS_WITHOUT_SCRIPTING)
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def assert_no_problems(page: Page) -> None:
    assert page.problems == [], f"{page.url}: {page.problems}"  # type: ignore[attr-defined]


def assert_no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url} scrolls sideways at {viewport} px ({width} px wide)"


def active(page: Page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement;
           return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name'),
                   href: e.getAttribute('href'), text: (e.textContent || '').trim(),
                   inMain: !!e.closest('main')}; }"""
    )


def tab_to(page: Page, test: str, limit: int = 150, backwards: bool = False) -> dict:
    """Press Tab (Shift+Tab if ``backwards``) until the focused element matches ``test``.

    ``test`` is a JS expression on ``e``, the focused element.
    """
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!({test}); }}"):
            assert_focus_visible(page)
            return active(page)
    raise AssertionError(f"{key} never reached {test} on {page.url}")


FOCUS_STYLE = """(e) => { const s = getComputedStyle(e);
  return {outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
          width: parseFloat(s.outlineWidth), style: s.outlineStyle, shadow: s.boxShadow}; }"""


def wait_for_scroll_to_settle(page: Page) -> None:
    """Wait until the page has stopped scrolling (scrolling may be smooth), for 5 s at most."""
    page.evaluate(
        """() => new Promise((resolve) => {
             const deadline = performance.now() + 5000;
             let last = null, still = 0;
             const step = () => {
               const now = [scrollX, scrollY].join();
               still = now === last ? still + 1 : 0;
               last = now;
               if (still >= 5 || performance.now() > deadline) { resolve(); }
               else { requestAnimationFrame(step); }
             };
             requestAnimationFrame(step);
           })"""
    )


def assert_focus_visible(page: Page) -> None:
    """The focused element shows an outline it does not have unfocused, in full view."""
    wait_for_scroll_to_settle(page)
    result = page.evaluate(
        f"""() => {{
          const style = {FOCUS_STYLE};
          const e = document.activeElement;
          const focused = style(e);
          const box = e.getBoundingClientRect();
          const x = box.left + box.width / 2, y = box.top + box.height / 2;
          const hit = document.elementFromPoint(x, y);
          const inView = box.bottom > 0 && box.top < innerHeight
            && box.right > 0 && box.left < innerWidth;
          const visible = inView && !!hit
            && (hit === e || e.contains(hit) || hit.contains(e) || hit.control === e);
          e.blur();
          const unfocused = style(e);
          e.focus({{preventScroll: true}});
          const text = e.textContent.trim();
          return {{focused, unfocused, visible, tag: e.tagName, id: e.id, text,
                   box: [box.top, box.bottom, innerHeight]}};
        }}"""
    )
    focused, unfocused = result["focused"], result["unfocused"]
    where = f"{result['tag']}#{result['id']} {result['text'][:40]!r} on {page.url}"
    assert focused["style"] != "none", f"no focus outline on {where}"
    assert focused["width"] >= 2, f"focus outline thinner than 2px on {where}"
    assert (focused["outline"], focused["shadow"]) != (unfocused["outline"], unfocused["shadow"]), (
        where
    )
    assert result["visible"], f"focused element is out of view or covered: {where} {result['box']}"


# The screen-reader view, reduced to what is navigated by: landmarks, headings,
# links, form controls and live regions, each with its name.
KEPT_ROLES = {
    # landmarks
    "banner", "navigation", "main", "contentinfo", "region", "search", "form", "complementary",
    # structure and named images
    "heading", "group", "img", "dialog", "alertdialog",
    # links and controls
    "link", "button", "textbox", "searchbox", "combobox", "listbox", "option", "radio",
    "checkbox", "switch", "spinbutton", "slider", "tab",
    # live regions
    "status", "alert",
}  # fmt: skip
LINE = re.compile(r"^(?P<indent>\s*)- (?P<role>[a-z]+)\b(?P<rest>.*)$")
VOLATILE = re.compile(r"\s*\[(?:ref|cursor|active)[^\]]*\]")


def _is_kept(role: str, rest: str) -> bool:
    if role not in KEPT_ROLES:
        return False
    if role == "option":
        # A select's current value is what a screen reader reads on it; its whole
        # list (some 250 countries) would bury the rest of the page.
        return "[selected]" in rest
    if role == "img":
        return rest.startswith(' "')  # unnamed images are not announced
    return True


def navigable_outline(snapshot: str) -> str:
    """Keep landmarks, headings, links and controls with their names; re-indent what is kept."""
    kept: list[str] = []
    stack: list[tuple[int, bool]] = []  # (indent, kept) of the open ancestors
    for line in snapshot.splitlines():
        # YAML quotes an entry whose name holds ": " ('link "To: Pneumology"':).
        quoted = re.match(r"^(\s*)- '(.*)'(:?)$", line)
        if quoted:
            name = quoted[2].replace("''", "'")
            line = f"{quoted[1]}- {name}{quoted[3]}"
        match = LINE.match(line)
        if not match:
            continue
        indent = len(match["indent"])
        while stack and stack[-1][0] >= indent:
            stack.pop()
        keep = _is_kept(match["role"], match["rest"])
        if keep:
            depth = sum(1 for _, was_kept in stack if was_kept)
            rest = VOLATILE.sub("", match["rest"]).rstrip(":").rstrip()
            kept.append("  " * depth + f"- {match['role']}{rest}")
        stack.append((indent, keep))
    return "\n".join(kept) + "\n"
