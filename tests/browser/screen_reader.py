"""A virtual screen reader inside the page: what a blind visitor hears, as lines of text.

@guidepup/virtual-screen-reader (pinned in package.json) reads the accessibility
tree as screen readers do and logs each spoken phrase, live regions included
("polite: ..."). Its browser bundle is served to the page from the test's own
route on the site's origin, so the page keeps its real Content Security Policy.
It is not NVDA, JAWS or VoiceOver: it tells what the markup says, not how a
given screen reader words it.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "node_modules/@guidepup/virtual-screen-reader/lib/esm/index.browser.js"
ROUTE = "/__virtual-screen-reader__.mjs"
GOLDEN = Path(__file__).parent / "transcripts"
END = "end of document"


def attach(page: Page) -> None:
    """Serve the screen reader to ``page`` (once per page, before it navigates)."""
    if not BUNDLE.is_file():
        raise RuntimeError(f"{BUNDLE} is missing: run `npm ci` (make test does)")
    page.route(
        f"**{ROUTE}", lambda route: route.fulfill(path=BUNDLE, content_type="text/javascript")
    )


def start(page: Page) -> None:
    """Start reading the page now loaded, from its top (again after each navigation)."""
    page.evaluate(
        """async (url) => {
            window.virtual = (await import(url)).virtual;
            await window.virtual.start({ container: document.body });
        }""",
        ROUTE,
    )


def read_to_end(page: Page, limit: int = 3000) -> list[str]:
    """Move through the whole page as with the down arrow; every phrase, in order."""
    return page.evaluate(
        """async ([limit, end]) => {
            for (let i = 0; i < limit && (await virtual.lastSpokenPhrase()) !== end; i++) {
                await virtual.next();
            }
            return [...(await virtual.spokenPhraseLog())];
        }""",
        [limit, END],
    )


def spoken(page: Page) -> list[str]:
    return page.evaluate("async () => [...(await virtual.spokenPhraseLog())]")


def forget(page: Page) -> None:
    page.evaluate("async () => await virtual.clearSpokenPhraseLog()")


def stop(page: Page) -> None:
    page.evaluate("async () => await virtual.stop()")


def announcements(phrases: list[str]) -> list[str]:
    """What live regions said, without the reading cursor's own phrases."""
    return [p for p in phrases if p.startswith(("polite: ", "assertive: "))]


# static/js/app.js holds a live region's new text this long after the last keystroke.
CALM_DELAY_MS = 1000


def settled_announcements(page: Page, expected: int, timeout_ms: int = 15000) -> list[str]:
    """What live regions said once they settled: waits until ``expected`` announcements
    have come (or the time is up), then long enough for any further one to come too."""
    waited = 0
    while len(announcements(spoken(page))) < expected and waited < timeout_ms:
        page.wait_for_timeout(100)
        waited += 100
    page.wait_for_timeout(CALM_DELAY_MS + 1000 if expected else CALM_DELAY_MS + 1500)
    return announcements(spoken(page))


def compare_with_golden(name: str, phrases: list[str], may_update: bool = True) -> str:
    """An empty string when the transcript is the reviewed one, else a readable diff.

    ``IUC_UPDATE_SNAPSHOTS=1`` writes the new transcript instead, for review.
    """
    text = "".join(f"{phrase}\n" for phrase in phrases)
    golden = GOLDEN / f"{name}.txt"
    if may_update and os.environ.get("IUC_UPDATE_SNAPSHOTS") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8") if golden.exists() else ""
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            text.splitlines(keepends=True),
            f"{golden.name} (reviewed)",
            f"{golden.name} (now)",
        )
    )
