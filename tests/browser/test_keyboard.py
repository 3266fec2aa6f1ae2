"""Giving and writing with the keyboard alone, in both languages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import active, assert_focus_visible, tab_to

DONATE = {"fr": "/fr/faire-un-don/", "en": "/en/donate/"}
CONTACTS = {"fr": "/fr/contacts/", "en": "/en/contacts/"}


def type_into(page: Page, field_id: str, text: str, backwards: bool = False) -> None:
    tab_to(page, f"e.id === '{field_id}'", backwards=backwards)
    page.keyboard.type(text)


def follow_every_summary_link(page: Page, fields: list[str]) -> None:
    """Each link of the error summary, in turn, moves focus to its field.

    Focus starts on the summary: Tab reaches its first link; from each field,
    below the summary, Shift+Tab goes back up to the next link.
    """
    expect(page.locator(".error-summary")).to_be_focused()
    assert_focus_visible(page)
    links = page.locator(".error-summary a")
    targets = [href[1:] for href in links.evaluate_all("as => as.map(a => a.getAttribute('href'))")]
    assert targets == fields, "one link per field in error, in the order of the form"
    for index, target in enumerate(targets):
        reached = tab_to(
            page,
            f"e.matches('.error-summary a') && e.getAttribute('href') === '#{target}'",
            backwards=index > 0,
        )
        assert reached["href"] == f"#{target}"
        page.keyboard.press("Enter")
        assert active(page)["id"] == target
        assert_focus_visible(page)


# Both languages, and both motion preferences: with the default one every
# focus move scrolls smoothly (the harder case for keeping focus in view, and
# most of these tests' time); with "reduce" it jumps.
JOURNEYS = pytest.mark.parametrize(
    ("locale", "motion"), [("fr", "no-preference"), ("en", "reduce")]
)


def open_with_motion(page: Page, url: str, motion: str) -> None:
    """Open ``url`` with that motion preference, and check the page scrolls accordingly."""
    page.emulate_media(reduced_motion=motion)
    page.goto(url)
    behaviour = page.evaluate("getComputedStyle(document.documentElement).scrollBehavior")
    assert behaviour == ("smooth" if motion == "no-preference" else "auto")


# What an empty form lacks: every field a visitor must fill in.
DONATION_ERRORS = ["given_name", "family_name", "email", "address_line1", "postal_code", "city"]
CONTACT_ERRORS = ["name", "email", "message"]


@JOURNEYS
def test_a_donation_with_the_keyboard_only(
    page: Page, server: str, locale: str, motion: str
) -> None:
    open_with_motion(page, server + DONATE[locale], motion)
    # Monthly: Tab into the first radio group, then the arrow key moves the choice.
    tab_to(page, "e.id === 'frequency-0'")
    page.keyboard.press("ArrowRight")
    assert active(page)["id"] == "frequency-1"
    # Send at once: the errors come back, focus on their summary.
    tab_to(page, "e.matches('#donation-form button[type=submit]')")
    page.keyboard.press("Enter")
    follow_every_summary_link(page, DONATION_ERRORS)
    # Back up to type another amount, then fill in every required field in turn.
    type_into(page, "amount", "25,50" if locale == "fr" else "25.50", backwards=True)
    for field_id, text in (
        ("given_name", "Ada"), ("family_name", "Lovelace"), ("email", "ada@example.org"),
        ("address_line1", "12 rue de la Paix"), ("postal_code", "75002"), ("city", "Paris"),
    ):  # fmt: skip
        type_into(page, field_id, text)
    tab_to(page, "e.matches('#donation-form button[type=submit]')")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/DON-[0-9A-Z]{4}-[0-9A-Z]{4}$"))
    summary = page.locator("main").inner_text()
    assert ("25,50" if locale == "fr" else "25.50") in summary
    assert ("Chaque mois" if locale == "fr" else "Monthly") in summary


@JOURNEYS
def test_a_contact_message_with_the_keyboard_only(
    page: Page, server: str, locale: str, motion: str
) -> None:
    open_with_motion(page, server + CONTACTS[locale], motion)
    tab_to(page, "e.id === 'subject'")
    page.keyboard.press("ArrowDown")  # the first department after "general"
    tab_to(page, "e.matches('#contact-form button[type=submit]')")
    page.keyboard.press("Enter")
    follow_every_summary_link(page, CONTACT_ERRORS)
    type_into(page, "name", "Jean Dupont", backwards=True)
    for field_id, text in (("email", "jean@example.org"), ("message", "Bonjour, une question.")):
        type_into(page, field_id, text)
    tab_to(page, "e.matches('#contact-form button[type=submit]')")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/MSG-[0-9A-Z]{4}-[0-9A-Z]{4}$"))


def test_a_summary_link_reaches_its_field_while_the_page_still_scrolls(
    page: Page, server: str
) -> None:
    """A quick keyboard user follows a link as soon as the summary has focus, mid smooth scroll.

    Left to fragment navigation, Chromium loses that scroll about one time in
    five and the focused field stays out of sight; the page's script must not.
    """
    page.goto(server + CONTACTS["en"])
    page.locator("#contact-form button[type=submit]").press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    targets = [href[1:] for href in page.locator(".error-summary a").evaluate_all(
        "links => links.map((a) => a.getAttribute('href'))")]  # fmt: skip
    assert len(targets) >= 3
    for _ in range(6):
        for target in targets:
            page.evaluate(
                """(target) => {
                  document.getElementById('message').focus();  // far down the page
                  document.querySelector('.error-summary').focus();  // scrolls up, smoothly
                  document.querySelector(`.error-summary a[href="#${target}"]`).focus();
                }""",
                target,
            )
            page.keyboard.press("Enter")
            assert active(page)["id"] == target
            assert_focus_visible(page)


@pytest.mark.parametrize("path", ["/fr/", "/en/departments/", "/fr/faire-un-don/", "/en/contacts/"])
def test_focus_is_visible_on_everything_tab_reaches(page: Page, server: str, path: str) -> None:
    """Every stop of a full Tab round shows a focus outline, in view and uncovered."""
    page.goto(server + path)
    seen = 0
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break
        assert_focus_visible(page)
        seen += 1
    assert seen > 5
