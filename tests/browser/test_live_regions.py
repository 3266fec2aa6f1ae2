"""Live regions speak once per settled change, and say what is true.

A virtual screen reader listens to the page while a visitor types, arrows and
tabs at a real pace; its log counts what a blind visitor would hear.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from . import screen_reader
from .journeys import WITHOUT_JAVASCRIPT

DONATE = "/fr/faire-un-don/"


def listen(page: Page, url: str) -> None:
    screen_reader.attach(page)
    page.goto(url)
    screen_reader.start(page)
    screen_reader.forget(page)


def plain(text: str) -> str:
    """Spaces as a screen reader's text has them: no-break and narrow ones are spaces."""
    return " ".join(re.split(r"\s+", text.replace("\u202f", " ").replace("\u00a0", " "))).strip()


def heard(page: Page, expected: int = 1) -> list[str]:
    """The announcements made since the last ``forget``, once live regions settled."""
    return [plain(p) for p in screen_reader.settled_announcements(page, expected)]


def estimate_of(page: Page) -> str:
    return plain(page.locator("#estimate").inner_text())


def test_typing_an_amount_at_a_real_pace_is_announced_once(page: Page, server: str) -> None:
    listen(page, server + DONATE)
    page.locator("#amount").click()
    screen_reader.forget(page)
    # "1 250,50", with a hesitation before the decimals, as people type.
    page.keyboard.type("1 250", delay=180)
    page.wait_for_timeout(450)
    page.keyboard.type(",50", delay=180)
    spoken = heard(page)
    assert len(spoken) == 1, spoken
    assert "un don de 1 250,50 € vous revient à" in spoken[0]
    assert estimate_of(page) in spoken[0]


def test_leaving_the_amount_field_says_nothing_again(page: Page, server: str) -> None:
    listen(page, server + DONATE)
    page.locator("#amount").fill("80")
    heard(page)
    screen_reader.forget(page)
    page.keyboard.press("Tab")
    assert heard(page, expected=0) == []


def test_arrowing_through_the_amounts_is_announced_once_they_settle(
    page: Page, server: str
) -> None:
    listen(page, server + DONATE)
    page.locator("input[name=preset]").first.focus()
    screen_reader.forget(page)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(110)
    spoken = heard(page)
    assert len(spoken) == 1, spoken
    checked = page.locator("input[name=preset]:checked")
    label = page.locator(f"label[for='{checked.get_attribute('id')}']").inner_text()
    assert f"un don de {plain(label)} vous revient" in spoken[0]


def test_an_amount_that_cannot_be_read_is_named_as_such(page: Page, server: str) -> None:
    listen(page, server + DONATE)
    cases = {
        "abc": "Saisissez le montant en chiffres",
        "0": "supérieur à zéro",
        "2000000": "au maximum",
    }
    for typed, problem in cases.items():
        page.locator("#amount").fill(typed)
        expect(page.locator("#estimate")).to_contain_text(problem, timeout=5000)
        text = estimate_of(page)
        assert "impossible à calculer pour le montant saisi" in text
        assert "choisissez ou saisissez un montant" not in text  # one was typed


def test_choosing_an_amount_says_it_clears_the_one_typed(page: Page, server: str) -> None:
    page.goto(server + DONATE)
    hint = page.locator("#amount-hint")
    expect(hint).to_contain_text("ce champ est vidé")
    page.locator("#amount").fill("42")
    page.locator("input[name=preset]").first.check()
    expect(page.locator("#amount")).to_have_value("")


def test_searching_at_a_real_pace_announces_the_count_once(page: Page, server: str) -> None:
    listen(page, server + "/fr/services/")
    page.locator("#q").click()
    screen_reader.forget(page)
    page.keyboard.type("poumon", delay=350)  # slower than the 300 ms htmx waits
    spoken = heard(page)
    assert len(spoken) == 1, spoken
    assert re.fullmatch(r"polite: \d+ services? trouvés? pour « poumon »\.", spoken[0])
    # The same search again changes nothing, and says nothing.
    screen_reader.forget(page)
    page.locator("form.search button").click()
    assert heard(page, expected=0) == []


def test_company_details_are_shown_and_required_only_for_a_company(page: Page, server: str) -> None:
    page.goto(server + DONATE)
    company = page.locator("fieldset[data-for-donor=company]")
    expect(company).to_be_hidden()
    page.get_by_role("radio", name="Une entreprise").check()
    expect(company).to_be_visible()
    for field in ("#company_name", "#company_legal_form", "#siren"):
        assert page.locator(field).evaluate("(f) => f.required")
    page.get_by_role("radio", name="Un particulier").check()
    expect(company).to_be_hidden()
    assert not page.locator("#siren").evaluate("(f) => f.required")


@WITHOUT_JAVASCRIPT
def test_without_javascript_the_labels_say_when_company_details_are_required(
    page: Page, server: str
) -> None:
    page.goto(server + DONATE)
    expect(page.locator("fieldset[data-for-donor=company]")).to_be_visible()
    for field in ("company_name", "company_legal_form", "siren"):
        expect(page.locator(f"label[for={field}]")).to_contain_text(
            "(obligatoire pour une entreprise)"
        )


def test_the_error_summary_is_a_named_group_when_focused(page: Page, server: str) -> None:
    page.goto(server + DONATE)
    page.get_by_role("radio", name="Une entreprise").check()
    page.get_by_role("button", name="Enregistrer ma promesse de don").click()
    summary = page.get_by_role("group", name="Le formulaire comporte des erreurs")
    expect(summary).to_be_focused()
