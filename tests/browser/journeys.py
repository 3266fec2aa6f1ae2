"""Filling in the site's forms in the browser."""

from __future__ import annotations

import pytest
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


# A browser context with JavaScript turned off, as a visitor may have it: no
# script of the site runs, and the page matches `@media (scripting: none)`.
# (Blocking the site's *.js requests instead would leave scripting on.)
WITHOUT_JAVASCRIPT = pytest.mark.browser_context_args(java_script_enabled=False)


def assert_javascript_is_off(page: Page) -> None:
    """The page runs no script of its own: scripting is off and htmx never loaded."""
    assert page.evaluate("matchMedia('(scripting: none)').matches"), f"scripting on: {page.url}"
    assert page.evaluate("typeof window.htmx") == "undefined", f"htmx loaded: {page.url}"
