"""Giving online, in Chromium, keyboard only and without JavaScript: our form, the
provider's payment page (a local stand-in), back to a thank-you page that reads
"paid" only once the signed webhook has come."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from bench.common import gunicorn
from tests.stripe_stub import SECRET_KEY, WEBHOOK_SECRET, StripeStub

from .helpers import assert_accessible, assert_no_problems, tab_to
from .journeys import DONOR, WITHOUT_JAVASCRIPT, assert_javascript_is_off, fill
from .test_keyboard import type_into

DONATE = {"fr": "/fr/faire-un-don/", "en": "/en/donate/"}
WAITING = {"fr": "service de paiement", "en": "We are waiting for the payment service"}
PAID = {"fr": "Votre don a bien été réglé", "en": "Your gift has been paid"}


@pytest.fixture(scope="module")
def stub() -> Iterator[StripeStub]:
    stub = StripeStub(hold_webhooks=True).start()
    yield stub
    stub.stop()


@pytest.fixture(scope="module")
def online(stub: StripeStub, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site under gunicorn, taking gifts through the stand-in's payment page."""
    env = {
        "IUC_DATA_DIR": str(tmp_path_factory.mktemp("payment-var")),
        "IUC_SECRET_KEY": "payment-tests-" + "k" * 40,
        "IUC_RATELIMIT_ENABLED": "0",
        "IUC_PAYMENT_PROVIDER": "stripe",
        "IUC_STRIPE_SECRET_KEY": SECRET_KEY,
        "IUC_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "IUC_STRIPE_API_BASE": stub.url,
    }
    with gunicorn("iuc_portal:create_app()", workers=2, env=env) as (base, _):
        stub.webhook_url = base + "/payments/stripe/webhook"
        yield base


def release_webhooks(stub: StripeStub) -> None:
    """Stripe's webhook arrives now: signed, sent to the site, answered 200."""
    while stub.held:
        assert stub.deliver(stub.held.pop(0)) == 200


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_a_gift_paid_on_the_payment_page_with_the_keyboard_alone(
    watched: Page, online: str, stub: StripeStub, locale: str
) -> None:
    page = watched
    page.goto(online + DONATE[locale])
    assert_accessible(page)
    for field_id, value in DONOR.items():
        type_into(page, field_id.removeprefix("#"), value)
    tab_to(page, "e.matches('#donation-form button[type=submit]')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(stub.url) + "/pay/"))  # the provider's page
    # Not our page: its focus styles are the provider's, so only its keys are used here.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.includes('card')"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(online) + ".*/(merci|thank-you)/DON-"))
    status = page.locator("#payment-status")
    expect(status).to_contain_text(WAITING[locale])  # no webhook yet: not "paid"
    assert_accessible(page)
    release_webhooks(stub)
    # The page asks again every 5 seconds and announces the news once.
    expect(status).to_contain_text(PAID[locale], timeout=15_000)
    expect(status.locator("[data-hx-trigger]")).to_have_count(0)
    assert_accessible(page)
    assert_no_problems(page)  # no CSP violation on the way to the payment page


@WITHOUT_JAVASCRIPT
def test_a_gift_paid_without_javascript(page: Page, online: str, stub: StripeStub) -> None:
    page.goto(online + DONATE["en"])
    assert_javascript_is_off(page)
    fill(page, DONOR)
    page.click("#donation-form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(stub.url) + "/pay/"))
    page.click("text=Pay by card")
    page.wait_for_url(re.compile(".*/thank-you/DON-"))
    expect(page.locator("#payment-status")).to_contain_text(WAITING["en"])
    assert_accessible(page)
    release_webhooks(stub)
    page.click("text=Reload this page")
    expect(page.locator("#payment-status")).to_contain_text(PAID["en"])
    assert_accessible(page)


def test_cancelling_on_the_payment_page_brings_back_the_form_filled(
    watched: Page, online: str, stub: StripeStub
) -> None:
    page = watched
    page.goto(online + DONATE["en"])
    fill(page, DONOR)
    page.fill("#city", "Lyon")
    page.click("#donation-form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(stub.url) + "/pay/"))
    page.click("text=Cancel")
    page.wait_for_url(re.compile(".*/payment-cancelled/DON-"))
    expect(page.locator("main")).to_contain_text("nothing has been charged")
    expect(page.locator("#city")).to_have_value("Lyon")
    assert_accessible(page)
    assert_no_problems(page)
