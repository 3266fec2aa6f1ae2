"""Online payment with Stripe Checkout, against a local stand-in reached through the real SDK.

The truth comes from signed webhooks: each transition is an event on the gift,
visible in the export; a forged or replayed webhook changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from iuc_portal import create_app
from iuc_portal.store.schema import outbox, submissions
from tests.forms import DONATION, hidden_fields, submit
from tests.pages import soup, text_of
from tests.stripe_stub import SECRET_KEY, WEBHOOK_SECRET, StripeStub, sign

pytestmark = pytest.mark.databases
WEBHOOK = "/payments/stripe/webhook"


@pytest.fixture
def stub() -> Iterator[StripeStub]:
    stub = StripeStub().start()
    yield stub
    stub.stop()


def stripe_config(stub: StripeStub) -> dict[str, str]:
    return {
        "PAYMENT_PROVIDER": "stripe",
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": stub.url,
    }


@pytest.fixture
def site(data_dir: Path, database_url: str | None, stub: StripeStub) -> Iterator[Flask]:
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data_dir), "DATABASE_URL": database_url,
         "SECRET_KEY": "s" * 40, **stripe_config(stub)}
    )  # fmt: skip
    yield app
    app.extensions["iuc_store"].engine.dispose()


@pytest.fixture
def donor(site: Flask) -> FlaskClient:
    return site.test_client()


def send(client: FlaskClient, event: dict, secret: str = WEBHOOK_SECRET, **kwargs):
    body = json.dumps(event).encode()
    headers = {"Stripe-Signature": sign(body, secret, **kwargs)}
    return client.post(WEBHOOK, data=body, headers=headers, content_type="application/json")


def give(client: FlaskClient, path: str = "/fr/faire-un-don/", **change: str):
    response = submit(client, path, "donation-form", {**DONATION, **change})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response


def the_gift(site: Flask):
    [record] = site.extensions["iuc_store"].records("donations")
    return record


def status_of(site: Flask) -> dict[str, str]:
    out = site.test_cli_runner().invoke(args=["donations", "export", "--format", "csv"]).output
    [row] = list(csv.DictReader(io.StringIO(out)))
    return row


def mails_queued(site: Flask) -> int:
    with site.extensions["iuc_store"].transaction() as connection:
        return len(connection.execute(select(outbox)).all())


def test_a_one_off_gift_goes_to_the_payment_page_with_what_stripe_needs(
    site: Flask, donor: FlaskClient, stub: StripeStub
) -> None:
    response = give(donor)
    [session] = stub.sessions.values()
    assert response.headers["Location"] == session["url"]
    record = the_gift(site)
    [call] = [seen for seen in stub.requests if seen.path == "/v1/checkout/sessions"]
    params = call.params
    assert params["mode"] == "payment"
    assert params["submit_type"] == "donate"
    assert params["locale"] == "fr"
    assert params["customer_email"] == "ada@example.org"
    assert params["client_reference_id"] == record.id
    assert params["metadata"] == {"record": record.id, "reference": record.reference}
    assert params["payment_intent_data"]["metadata"]["record"] == record.id
    assert "subscription_data" not in params
    price = params["line_items"][0]["price_data"]
    assert (price["currency"], price["unit_amount"]) == ("eur", "5000")
    assert record.reference in price["product_data"]["name"]
    assert params["success_url"] == f"http://localhost/fr/faire-un-don/merci/{record.reference}"
    assert params["cancel_url"].endswith(f"/fr/faire-un-don/paiement-annule/{record.reference}")
    assert call.headers["Idempotency-Key"] == f"iuc-gift-{record.id}"
    assert status_of(site)["status"] == "pending"
    assert mails_queued(site) == 0  # acknowledged once paid, not before
    # Nothing about paying by card or IBAN is ever asked on our side.
    assert set(record.data) == set(DONATION) - {"preset"} | {"amount", "newsletter"}


def test_htmx_is_sent_on_by_hx_redirect(donor: FlaskClient, stub: StripeStub) -> None:
    hidden = hidden_fields(donor.get("/en/donate/"), "donation-form")
    response = donor.post("/en/donate/", data={**hidden, **DONATION},
                          headers={"HX-Request": "true", "HX-Target": "donation-form"})  # fmt: skip
    [session] = stub.sessions.values()
    assert response.headers["HX-Redirect"] == session["url"]


def test_a_monthly_gift_is_a_subscription(
    site: Flask, donor: FlaskClient, stub: StripeStub
) -> None:
    give(donor, "/en/donate/", frequency="monthly", preset="other", amount="12.50")
    [call] = [seen for seen in stub.requests if seen.path == "/v1/checkout/sessions"]
    params = call.params
    assert params["mode"] == "subscription"
    assert params["locale"] == "en"
    price = params["line_items"][0]["price_data"]
    assert (price["unit_amount"], price["recurring"]) == ("1250", {"interval": "month"})
    assert params["subscription_data"]["metadata"]["record"] == the_gift(site).id
    assert "payment_intent_data" not in params


def test_a_double_click_makes_one_gift_and_one_payment_page(
    site: Flask, donor: FlaskClient, stub: StripeStub
) -> None:
    hidden = hidden_fields(donor.get("/en/donate/"), "donation-form")
    first = donor.post("/en/donate/", data={**hidden, **DONATION})
    second = donor.post("/en/donate/", data={**hidden, **DONATION})
    assert first.headers["Location"] == second.headers["Location"]
    assert len(stub.sessions) == 1
    keys = {seen.headers["Idempotency-Key"] for seen in stub.requests if seen.method == "POST"}
    assert len(keys) == 1
    assert len(site.extensions["iuc_store"].records("donations")) == 1


def test_the_gift_is_paid_only_when_the_signed_webhook_says_so(
    site: Flask, donor: FlaskClient, stub: StripeStub
) -> None:
    give(donor, "/en/donate/")
    record = the_gift(site)
    thanks = f"/en/donate/thank-you/{record.reference}"
    before = text_of(soup(donor.get(thanks).data).find("main"))
    assert "We are waiting for the payment service to confirm your payment." in before
    [session_id] = stub.sessions
    event = stub.complete(session_id)
    assert send(donor, event).get_data(as_text=True).strip() == "recorded"
    after = text_of(soup(donor.get(thanks).data).find("main"))
    assert "Your gift has been paid. Thank you." in after
    row = status_of(site)
    assert (row["status"], row["payment_method"]) == ("paid", "card")
    assert row["provider_id"].startswith("pi_")
    assert row["paid_at"].endswith("Z")
    assert mails_queued(site) == 2  # the acknowledgement and the tax receipt
    # The same event again (Stripe retries) changes nothing.
    assert send(donor, event).get_data(as_text=True).strip() == "already handled"
    assert mails_queued(site) == 2
    types = [e.type for e in site.extensions["iuc_store"].events_of(record.id)]
    assert types.count("paid") == 1


@pytest.mark.parametrize(
    "forgery",
    ["wrong secret", "no signature", "tampered body", "stale", "not json"],
)
def test_a_forged_webhook_is_refused_and_changes_nothing(
    site: Flask, donor: FlaskClient, stub: StripeStub, forgery: str
) -> None:
    give(donor)
    event = stub.complete(next(iter(stub.sessions)))
    body = json.dumps(event).encode()
    headers = {"Stripe-Signature": sign(body)}
    if forgery == "wrong secret":
        headers = {"Stripe-Signature": sign(body, "whsec_not_ours")}
    elif forgery == "no signature":
        headers = {}
    elif forgery == "tampered body":
        body = body.replace(b'"paid"', b'"PAID"')
    elif forgery == "stale":
        headers = {
            "Stripe-Signature": sign(body, timestamp=int(dt.datetime.now().timestamp()) - 3600)
        }
    else:
        body = b"not json at all"
        headers = {"Stripe-Signature": sign(body)}
    response = donor.post(WEBHOOK, data=body, headers=headers)
    assert response.status_code == 400
    assert status_of(site)["status"] == "pending"
    assert mails_queued(site) == 0


def test_a_sepa_debit_is_processing_then_paid_or_failed(
    site: Flask, donor: FlaskClient, stub: StripeStub
) -> None:
    give(donor, "/en/donate/")
    record = the_gift(site)
    [session_id] = stub.sessions
    send(donor, stub.complete(session_id, sepa=True))
    page = text_of(soup(donor.get(f"/en/donate/thank-you/{record.reference}").data).find("main"))
    assert "Your direct debit is being processed" in page
    assert status_of(site)["status"] == "pending"
    send(donor, stub.settle(session_id, succeeded=False))
    assert status_of(site)["status"] == "failed"
    assert mails_queued(site) == 0


def test_a_settled_sepa_debit_is_paid_by_sepa(
    site: Flask, donor: FlaskClient, stub: StripeStub
) -> None:
    give(donor, "/en/donate/")
    [session_id] = stub.sessions
    send(donor, stub.complete(session_id, sepa=True))
    send(donor, stub.settle(session_id))
    row = status_of(site)
    assert (row["status"], row["payment_method"]) == ("paid", "sepa_debit")


def test_a_monthly_gift_counts_its_instalments_until_it_ends(
    site: Flask, donor: FlaskClient, stub: StripeStub
) -> None:
    give(donor, "/en/donate/", frequency="monthly")
    [session_id] = stub.sessions
    send(donor, stub.complete(session_id))
    assert status_of(site)["status"] == "pending"  # the money comes with invoice.paid
    subscription = stub.sessions[session_id]["subscription"]
    assert send(donor, stub.renew(subscription)).status_code == 200
    assert send(donor, stub.renew(subscription)).status_code == 200
    record = the_gift(site)
    events = site.extensions["iuc_store"].events_of(record.id)
    assert [e.type for e in events].count("instalment_paid") == 2
    row = status_of(site)
    assert (row["status"], row["payment_method"], row["provider_id"]) == (
        "paid", "card", subscription,
    )  # fmt: skip
    assert mails_queued(site) == 1  # one acknowledgement, not one a month
    send(donor, stub.end_subscription(subscription))
    assert status_of(site)["status"] == "cancelled"


def test_a_refund_arriving_before_the_payment_still_reads_refunded(
    site: Flask, donor: FlaskClient, stub: StripeStub
) -> None:
    give(donor)
    [session_id] = stub.sessions
    paid = stub.complete(session_id)
    refund = stub.refund(stub.sessions[session_id]["payment_intent"])
    refund["created"] = paid["created"] + 60  # a minute after, by Stripe's clock
    assert send(donor, refund).status_code == 200  # delivered first
    assert send(donor, paid).status_code == 200
    assert status_of(site)["status"] == "refunded"


def test_a_partial_refund_keeps_the_gift_paid(
    site: Flask, donor: FlaskClient, stub: StripeStub
) -> None:
    give(donor)
    [session_id] = stub.sessions
    send(donor, stub.complete(session_id))
    send(donor, stub.refund(stub.sessions[session_id]["payment_intent"], amount=2000))
    assert status_of(site)["status"] == "paid"


def test_an_event_for_a_gift_we_do_not_know_is_answered_and_logged(
    site: Flask, donor: FlaskClient, stub: StripeStub, caplog: pytest.LogCaptureFixture
) -> None:
    event = stub.event("checkout.session.completed", {
        "id": "cs_test_elsewhere", "object": "checkout.session", "mode": "payment",
        "status": "complete", "payment_status": "paid", "client_reference_id": "nobody",
        "amount_total": 100, "payment_intent": None, "subscription": None,
    })  # fmt: skip
    with caplog.at_level(logging.WARNING):
        response = send(donor, event)
    assert response.status_code == 200
    assert "names no gift of ours" in caplog.text
    assert site.extensions["iuc_store"].records("donations") == []


def test_the_confirmation_page_waits_politely_for_the_webhook(
    site: Flask, donor: FlaskClient, stub: StripeStub
) -> None:
    give(donor, "/en/donate/")
    record = the_gift(site)
    page = f"/en/donate/thank-you/{record.reference}"
    doc = soup(donor.get(page).data)
    poller = doc.select_one("#payment-status [data-hx-trigger]")
    assert poller["data-hx-trigger"] == "every 5s"
    assert poller["data-hx-get"] == f"{page}?seen=pending"
    assert doc.select_one("#payment-status")["role"] == "status"
    htmx = {"HX-Request": "true", "HX-Target": "payment-status"}
    assert donor.get(poller["data-hx-get"], headers=htmx).status_code == 204  # nothing new
    send(donor, stub.complete(next(iter(stub.sessions))))
    news = donor.get(poller["data-hx-get"], headers=htmx)
    assert news.status_code == 200
    assert "Your gift has been paid" in news.get_data(as_text=True)
    assert "data-hx-trigger" not in news.get_data(as_text=True)  # polling stops
    with site.extensions["iuc_store"].transaction(write=True) as connection:
        connection.execute(update(submissions).values(
            created=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)))  # fmt: skip
    assert (
        donor.get(poller["data-hx-get"].replace("pending", "paid"), headers=htmx).status_code == 286
    )


def test_the_provider_down_at_hand_off_gives_the_form_back_and_charges_nothing(
    site: Flask, donor: FlaskClient, stub: StripeStub
) -> None:
    stub.fail_next = [500, 500, 500]  # the SDK tries three times
    hidden = hidden_fields(donor.get("/en/donate/"), "donation-form")
    response = donor.post("/en/donate/", data={**hidden, **DONATION})
    assert response.status_code == 503
    doc = soup(response.data)
    assert "We could not reach the payment service; nothing has been charged." in text_of(
        doc.select_one(".error-summary")
    )
    assert doc.select_one("input[name=email]")["value"] == "ada@example.org"
    assert stub.sessions == {}
    assert status_of(site)["status"] == "pending"
    # Sent again once the provider answers: the same gift, now on its way.
    again = donor.post("/en/donate/", data={**hidden, **DONATION})
    assert again.status_code == 303
    assert len(site.extensions["iuc_store"].records("donations")) == 1


def test_cancelling_on_the_payment_page_gives_the_form_back_filled(
    site: Flask, donor: FlaskClient, stub: StripeStub
) -> None:
    give(donor, "/en/donate/", preset="other", amount="42.50", city="Lyon")
    record = the_gift(site)
    doc = soup(donor.get(f"/en/donate/payment-cancelled/{record.reference}").data)
    assert "nothing has been charged" in text_of(doc.find("main"))
    assert doc.select_one("input[name=amount]")["value"] == "42.50"
    assert doc.select_one("input[name=city]")["value"] == "Lyon"
    assert doc.select_one("input[name=submission_key]")["value"] != record.key
    # Another browser cannot see it.
    assert (
        site.test_client().get(f"/en/donate/payment-cancelled/{record.reference}").status_code
        == 404
    )


def test_reconcile_asks_about_gifts_whose_webhook_never_came(
    site: Flask, donor: FlaskClient, stub: StripeStub
) -> None:
    give(donor)
    [session_id] = stub.sessions
    stub.complete(session_id)  # paid at Stripe; the webhook is lost
    runner = site.test_cli_runner()
    assert "0 pending gifts asked about" in runner.invoke(args=["donations", "reconcile"]).output
    with site.extensions["iuc_store"].transaction(write=True) as connection:
        connection.execute(update(submissions).values(
            created=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)))  # fmt: skip
    result = runner.invoke(args=["donations", "reconcile"])
    assert result.exit_code == 0, result.output
    assert "1 pending gifts asked about, 1 changed" in result.output
    assert status_of(site)["status"] == "paid"
    assert mails_queued(site) == 2  # the acknowledgement and the tax receipt


def test_the_csp_lets_the_form_lead_to_the_payment_page_and_nothing_else(
    donor: FlaskClient, stub: StripeStub, client: FlaskClient
) -> None:
    online = donor.get("/en/donate/").headers["Content-Security-Policy"]
    offline = client.get("/en/donate/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in online.split(";"))
    assert directives["form-action"] == f"'self' https://checkout.stripe.com {stub.url}"
    assert online.replace(f" https://checkout.stripe.com {stub.url}", "") == offline


def test_staff_mark_a_cheque_paid_once(app: Flask, client: FlaskClient) -> None:
    give(client, "/en/donate/")
    record = the_gift(app)
    runner = app.test_cli_runner()
    args = ["donations", "mark-paid", record.reference, "--method", "cheque"]
    future = runner.invoke(args=[*args, "--date", "2999-01-01"])
    assert future.exit_code != 0
    assert "the date is in the future" in future.output
    result = runner.invoke(args=[*args, "--date", "2026-11-02"])
    assert result.exit_code == 0, result.output
    assert f"{record.reference}: paid by cheque on 2026-11-02" in result.output
    row = status_of(app)
    assert (row["status"], row["paid_at"], row["payment_method"]) == (
        "paid", "2026-11-02T00:00:00Z", "cheque",
    )  # fmt: skip
    again = runner.invoke(args=[*args, "--date", "2026-11-03"])
    assert again.exit_code != 0
    assert "already paid (2026-11-02)" in again.output
    assert runner.invoke(args=["donations", "mark-paid", "DON-0000-0000", "--method",
                               "cheque", "--date", "2026-11-02"]).exit_code != 0  # fmt: skip
