"""axe in every state a visitor can reach, and what the live regions announce."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import assert_accessible, assert_no_problems
from .journeys import DONOR, WITHOUT_JAVASCRIPT, WRITER, assert_javascript_is_off, fill

DONATE = {"fr": "/fr/faire-un-don/", "en": "/en/donate/"}
CONTACTS = {"fr": "/fr/contacts/", "en": "/en/contacts/"}
ERROR = {"fr": "Erreur", "en": "Error"}


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_donation_errors_after_an_htmx_swap(watched: Page, server: str, locale: str) -> None:
    watched.goto(server + DONATE[locale])
    watched.click("#donation-form button[type=submit]")
    summary = watched.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(watched).to_have_title(re.compile(f"^{ERROR[locale]}"))
    assert watched.url.endswith(DONATE[locale])  # swapped in place, no navigation
    assert_accessible(watched)
    assert_no_problems(watched)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_contact_errors_after_an_htmx_swap(watched: Page, server: str, locale: str) -> None:
    watched.goto(server + CONTACTS[locale])
    watched.fill("#name", "Jean")
    watched.click("#contact-form button[type=submit]")
    expect(watched.locator(".error-summary")).to_be_focused()
    assert_accessible(watched)
    assert_no_problems(watched)


CONFIRMATION = {
    "fr": {"#donation-form": "Merci pour votre promesse de don", "#contact-form": "Message reçu"},
    "en": {
        "#donation-form": "Thank you for your pledge",
        "#contact-form": "Message received",
    },
}


@WITHOUT_JAVASCRIPT
@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_forms_without_javascript(page: Page, server: str, locale: str) -> None:
    """Sent empty, each form comes back with its errors; sent filled in, the confirmation
    page follows a redirect (post/redirect/get). axe passes on both, scripting off."""
    for path, form, values, reference in (
        (DONATE[locale], "#donation-form", DONOR, "DON"),
        (CONTACTS[locale], "#contact-form", WRITER, "MSG"),
    ):
        page.goto(server + path)
        assert_javascript_is_off(page)
        with page.expect_navigation() as sent:
            page.click(f"{form} button[type=submit]")
        assert sent.value.request.method == "POST"
        expect(page.locator(".error-summary")).to_be_focused()  # autofocus, no script needed
        expect(page).to_have_title(re.compile(f"^{ERROR[locale]}"))
        assert_javascript_is_off(page)
        assert_accessible(page)
        fill(page, values)
        with page.expect_navigation() as sent:
            page.click(f"{form} button[type=submit]")
        response = sent.value
        assert response.request.method == "GET"
        assert response.request.redirected_from is not None
        assert response.request.redirected_from.method == "POST"
        expect(page).to_have_url(re.compile(rf"/{reference}-[0-9A-Z]{{4}}-[0-9A-Z]{{4}}$"))
        expect(page.locator("h1")).to_have_text(CONFIRMATION[locale][form])
        assert_javascript_is_off(page)
        assert_accessible(page)


def test_the_tax_estimate_is_announced_as_the_amount_changes(watched: Page, server: str) -> None:
    watched.goto(server + "/fr/faire-un-don/")
    region = watched.locator("#estimate")
    assert region.get_attribute("aria-live") == "polite"
    watched.fill("#amount", "100")
    expect(region).to_contain_text("un don de 100\u00a0€ vous revient à 34\u00a0€")
    expect(watched.locator("#preset-4")).to_be_checked()  # "another amount" follows the typing
    watched.check("#donor_type-1")
    expect(region).to_contain_text("revient à votre entreprise à 40\u00a0€")
    watched.check("#frequency-1")
    expect(region).to_contain_text("480\u00a0€ par an pour 1\u202f200\u00a0€ donnés")
    watched.check("#preset-0")  # a preset clears the typed amount
    expect(watched.locator("#amount")).to_have_value("")
    expect(region).to_contain_text("un don mensuel de 30\u00a0€")
    assert_accessible(watched)
    assert_no_problems(watched)


@pytest.mark.parametrize(
    ("path", "query", "announced", "results"),
    [
        ("/fr/services/", "poumon", "2 services trouvés pour « poumon ».", "#department-results"),
        ("/en/departments/", "lung", "2 departments found for “lung”.", "#department-results"),
        ("/en/departments/", "zzz", "No department matches “zzz”.", "#department-results"),
        ("/fr/contacts/", "peau", "1 service trouvé pour « peau ».", "#directory-results"),
    ],
)
def test_search_results_are_announced_and_the_address_replaced(
    watched: Page, server: str, path: str, query: str, announced: str, results: str
) -> None:
    watched.goto(server + path)
    steps = watched.evaluate("history.length")
    status = watched.locator("#search-status")
    assert status.get_attribute("role") == "status"
    watched.locator("#q").press_sequentially(query, delay=30)
    expect(status).to_have_text(announced.replace(" »", "\u00a0»").replace("« ", "«\u00a0"))
    expect(watched).to_have_url(re.compile(rf"\?q={query}$"))
    assert watched.evaluate("history.length") == steps  # replaced, not pushed
    assert watched.locator(results).count() == 1
    assert_accessible(watched)
    assert_no_problems(watched)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_confirmation_pages(watched: Page, server: str, locale: str) -> None:
    watched.goto(server + DONATE[locale])
    fill(watched, DONOR)
    watched.click("#donation-form button[type=submit]")
    expect(watched.locator("h1")).to_have_text(
        "Merci pour votre promesse de don" if locale == "fr" else "Thank you for your pledge"
    )
    assert re.search(r"DON-[0-9A-Z]{4}-[0-9A-Z]{4}$", watched.url)
    assert_accessible(watched)
    watched.goto(server + CONTACTS[locale])
    fill(watched, WRITER)
    watched.click("#contact-form button[type=submit]")
    expect(watched).to_have_url(re.compile(r"MSG-[0-9A-Z]{4}-[0-9A-Z]{4}$"))
    assert_accessible(watched)
    assert_no_problems(watched)


@pytest.mark.parametrize("path", ["/fr/nulle-part", "/en/departments/nowhere", "/nowhere"])
def test_the_not_found_page(watched: Page, server: str, path: str) -> None:
    response = watched.goto(server + path)
    assert response.status == 404
    assert_accessible(watched)


@WITHOUT_JAVASCRIPT
@pytest.mark.parametrize(
    ("path", "status"),
    [("/fr/", 200), ("/en/donate/", 200), ("/fr/contacts/", 200), ("/en/departments/?q=lung", 200),
     ("/fr/services/urologie", 200), ("/fr/nulle-part", 404), ("/en/departments/nowhere", 404)],
)  # fmt: skip
def test_pages_without_javascript(page: Page, server: str, path: str, status: int) -> None:
    response = page.goto(server + path)
    assert response.status == status
    assert_javascript_is_off(page)
    assert_accessible(page)


@WITHOUT_JAVASCRIPT
def test_axe_runs_and_sees_problems_without_javascript(page: Page) -> None:
    """axe is not silently skipped, nor left waiting, on a page without scripting."""
    page.set_content("<html><body><img src='x.png'><input></body></html>")
    assert page.evaluate("matchMedia('(scripting: none)').matches")
    with pytest.raises(AssertionError, match=r"image-alt(.|\n)*label"):
        assert_accessible(page)


@WITHOUT_JAVASCRIPT
def test_a_search_without_javascript_is_a_page_of_its_own(page: Page, server: str) -> None:
    page.goto(server + "/en/departments/")
    assert_javascript_is_off(page)
    page.fill("#q", "kidney")
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert "?q=kidney" in page.url
    expect(page.locator("#department-results h2")).to_have_text(["Urology"])


def test_the_language_choice_is_remembered_for_the_home_address(page: Page, server: str) -> None:
    page.goto(server + "/fr/services/pneumologie")
    page.click("nav.languages a[hreflang=en]")
    expect(page).to_have_url(server + "/en/departments/pneumology")
    cookie = next(c for c in page.context.cookies() if c["name"] == "lang")
    assert cookie["value"] == "en"
    assert cookie["sameSite"] == "Lax"
    page.goto(server + "/")
    expect(page).to_have_url(server + "/en/")


def test_the_csp_is_enforced_and_a_violation_would_be_seen(watched: Page, server: str) -> None:
    """The pages above report no CSP violation; this shows that one would be reported."""
    watched.goto(server + "/en/")
    watched.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.hacked = 1';"
        " document.head.appendChild(s); }"
    )
    # The report arrives as a console event: give a busy machine up to 5 s for it.
    for _ in range(50):
        if any("CSP violation: script-src" in problem for problem in watched.problems):
            break
        watched.wait_for_timeout(100)
    assert watched.evaluate("window.hacked") is None
    assert any("CSP violation: script-src" in problem for problem in watched.problems)


DARK_PAGES = ["/fr/", "/en/donate/", "/fr/contacts/", "/en/departments/urology"]


# The site's dark colours, and Windows high contrast, which replaces them with the
# system's: what is left (borders, focus, error states) must still pass, forms in error too.
SCHEMES = {"dark": {"color_scheme": "dark"}, "forced-colours": {"forced_colors": "active"}}
MEDIA_QUERY = {"dark": "(prefers-color-scheme: dark)", "forced-colours": "(forced-colors: active)"}


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("path", DARK_PAGES)
def test_other_colour_schemes_pass_axe_too(
    watched: Page, server: str, path: str, scheme: str
) -> None:
    watched.emulate_media(**SCHEMES[scheme], reduced_motion="reduce")
    watched.goto(server + path)
    assert watched.evaluate(f"matchMedia('{MEDIA_QUERY[scheme]}').matches")
    assert_accessible(watched)
    if "donate" in path:
        watched.click("#donation-form button[type=submit]")
        expect(watched.locator(".error-summary")).to_be_focused()
        assert_accessible(watched)  # error colours in that scheme
