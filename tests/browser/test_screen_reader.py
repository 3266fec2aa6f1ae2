"""What a blind visitor hears, kept as reviewed transcripts (tests/browser/transcripts/).

A virtual screen reader reads each page type from top to bottom, and follows
the donation and contact journeys (the live estimate, a failed submit, the
confirmation), in French and in English. A change in what is heard shows in
review as a diff of the transcript. After a deliberate change, run
`IUC_UPDATE_SNAPSHOTS=1 make test` and read the diff before committing.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from . import screen_reader
from .journeys import DONOR, WRITER, fill

PAGES = {
    "home": {"fr": "/fr/", "en": "/en/"},
    "departments": {"fr": "/fr/services/", "en": "/en/departments/"},
    "department": {"fr": "/fr/services/pneumologie", "en": "/en/departments/pneumology"},
    "contacts": {"fr": "/fr/contacts/", "en": "/en/contacts/"},
    "donate": {"fr": "/fr/faire-un-don/", "en": "/en/donate/"},
    "accessibility": {"fr": "/fr/accessibilite/", "en": "/en/accessibility/"},
    "legal": {"fr": "/fr/mentions-legales/", "en": "/en/legal-notice/"},
    "privacy": {"fr": "/fr/donnees-personnelles/", "en": "/en/privacy/"},
    "sitemap": {"fr": "/fr/plan-du-site/", "en": "/en/site-map/"},
    "not-found": {"fr": "/fr/nulle-part", "en": "/en/nowhere"},
}
CASES = [(name, locale) for name in PAGES for locale in ("fr", "en")]
# What changes from one run to the next: references, dates, the server's port.
VARYING = [
    (re.compile(r"\b(DON|MSG)-[0-9A-Z]{4}-[0-9A-Z]{4}\b"), r"\1-XXXX-XXXX"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:PORT"),
]


def steady(phrases: list[str]) -> list[str]:
    for pattern, replacement in VARYING:
        phrases = [pattern.sub(replacement, phrase) for phrase in phrases]
    return phrases


def assert_as_reviewed(name: str, phrases: list[str]) -> None:
    diff = screen_reader.compare_with_golden(name, steady(phrases))
    assert not diff, f"what a screen reader says changed:\n{diff}"


@pytest.mark.parametrize(("name", "locale"), CASES)
def test_each_page_reads_as_reviewed(page: Page, server: str, name: str, locale: str) -> None:
    screen_reader.attach(page)
    page.goto(server + PAGES[name][locale])
    screen_reader.start(page)
    phrases = screen_reader.read_to_end(page)
    assert phrases[-1] == screen_reader.END
    assert_as_reviewed(f"{name}-{locale}", phrases)


def test_a_changed_label_shows_in_the_transcript(page: Page, server: str) -> None:
    """The golden files catch what a blind visitor would hear differently."""
    screen_reader.attach(page)
    page.goto(server + PAGES["donate"]["fr"])
    page.evaluate("() => { document.querySelector('label[for=given_name]').textContent = 'Nom' }")
    screen_reader.start(page)
    phrases = steady(screen_reader.read_to_end(page))
    diff = screen_reader.compare_with_golden("donate-fr", phrases, may_update=False)
    assert "-textbox, Prénom, required" in diff
    assert "+textbox, Nom, required" in diff


def read_on(page: Page, steps: int) -> None:
    """Move the reading cursor on, as with the down arrow, ``steps`` times."""
    page.evaluate(
        "async (steps) => { for (let i = 0; i < steps; i++) await virtual.next(); }", steps
    )


def restart_after_navigation(page: Page) -> None:
    page.wait_for_load_state()
    screen_reader.start(page)


def follow_journey(
    page: Page, url: str, typed: tuple[str, str], send: str, details: dict[str, str]
) -> list[str]:
    """Type into a field with a live region (once), send the form empty (the error
    summary, read through), then filled in (the confirmation page, read whole)."""
    screen_reader.attach(page)
    page.goto(url)
    screen_reader.start(page)
    field, text = typed
    page.locator(field).focus()
    page.keyboard.type(text, delay=250)
    screen_reader.settled_announcements(page, expected=1)
    page.get_by_role("button", name=send).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    screen_reader.settled_announcements(page, expected=1)  # and no second one
    read_on(page, 24)
    log = screen_reader.spoken(page)
    live = screen_reader.announcements(log)
    assert len(live) == 1, live  # what was typed, once; nothing on the error summary
    fill(page, details)
    page.get_by_role("button", name=send).click()
    expect(page).to_have_url(re.compile(r"/(DON|MSG)-[0-9A-Z]{4}-[0-9A-Z]{4}$"))
    restart_after_navigation(page)
    return [*log, "(confirmation page)", *screen_reader.read_to_end(page)]


JOURNEYS = {
    # The donation form: an amount of one's own, and the live tax estimate.
    ("donation", "fr"): (
        "/fr/faire-un-don/",
        ("#amount", "40"),
        "Enregistrer ma promesse de don",
        DONOR,
    ),
    ("donation", "en"): ("/en/donate/", ("#amount", "40"), "Record my pledge", DONOR),
    # The contact page: a search for a department, its live count, then the form.
    ("contact", "fr"): ("/fr/contacts/", ("#q", "peau"), "Envoyer mon message", WRITER),
    ("contact", "en"): ("/en/contacts/", ("#q", "skin"), "Send my message", WRITER),
}


@pytest.mark.parametrize(("journey", "locale"), JOURNEYS)
def test_each_journey_reads_as_reviewed(page: Page, server: str, journey: str, locale: str) -> None:
    url, typed, send, details = JOURNEYS[(journey, locale)]
    log = follow_journey(page, server + url, typed, send, details)
    assert_as_reviewed(f"journey-{journey}-{locale}", log)
