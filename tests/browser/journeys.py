"""Filling in the site's forms in the browser."""

from __future__ import annotations

from playwright.sync_api import Page

DONOR = {
    "#given_name": "Ada",
    "#family_name": "Lovelace",
    "#email": "ada@example.org",
    "#address_line1": "12 rue de la Paix",
    "#postal_code": "75002",
    "#city": "Paris",
}
WRITER = {"#name": "Jean Dupont", "#email": "jean@example.org", "#message": "Bonjour."}


def fill(page: Page, values: dict[str, str]) -> None:
    for selector, value in values.items():
        page.fill(selector, value)


def without_scripts(page: Page) -> Page:
    """The site as a visitor without JavaScript gets it: none of its scripts run."""
    page.route("**/*.js", lambda route: route.abort())
    return page
