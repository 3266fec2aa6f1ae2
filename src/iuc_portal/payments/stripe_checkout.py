"""Stripe Checkout: the donor pays on Stripe's page; Stripe's signed webhooks say what happened.

Our server sees no card number, IBAN or CVC: only Stripe's ids. A one-off
gift is a Checkout Session in ``payment`` mode, a monthly gift one in
``subscription`` mode with a monthly price; both carry our record's id
(``client_reference_id`` and metadata, copied onto the payment intent or
the subscription), so every later event finds its gift.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import stripe
from flask_babel import force_locale
from flask_babel import gettext as _

from iuc_portal.donations import Frequency
from iuc_portal.store import Record

from . import InvalidWebhook, PaymentUnavailable
from .ledger import (
    ENDED,
    EXPIRED,
    FAILED,
    INSTALMENT,
    PAID,
    PROCESSING,
    REFUNDED,
    STARTED,
    Fact,
)

CHECKOUT_ORIGIN = "https://checkout.stripe.com"
# Checkout's own languages among ours; any other page language lets Stripe choose.
CHECKOUT_LOCALES = {"fr", "en", "de", "es", "it", "nl", "pt", "pl", "ar"}
CENT = Decimal("0.01")
# Our own code: Stripe's SDK reports nothing about our site to Stripe beyond the API calls.
stripe.enable_telemetry = False


def _moment(timestamp: int | None) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp or 0, dt.UTC)


def _euros(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(CENT)


class StripeCheckout:
    name = "stripe"
    online = True

    def __init__(self, secret_key: str, webhook_secret: str, api_base: str | None) -> None:
        self.webhook_secret = webhook_secret
        self.client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else None,
            # A donor waits on the hand-off: a few seconds, then the form comes back.
            http_client=stripe.RequestsClient(timeout=10),
            max_network_retries=2,
        )

    @staticmethod
    def form_origins(api_base: str | None) -> tuple[str, ...]:
        """Where the browser goes after the form post: Checkout (or a local stand-in)."""
        if not api_base:
            return (CHECKOUT_ORIGIN,)
        parts = urlsplit(api_base)
        return (CHECKOUT_ORIGIN, f"{parts.scheme}://{parts.netloc}")

    def accepts(self, frequency: Frequency) -> bool:
        return True  # card and SEPA debit, once or every month

    # The hand-off

    def hand_off(self, record: Record, success_url: str, cancel_url: str) -> tuple[str, str]:
        """(the payment page's URL, the Checkout Session's id) for a stored gift.

        The idempotency key comes from the record: a double click, or a form
        sent again after an error, never makes a second session or charge.
        """
        data = record.data
        monthly = data["frequency"] == Frequency.MONTHLY
        ours = {"record": record.id, "reference": record.reference}
        with force_locale(record.locale):
            label = (
                _("Monthly gift, reference %(reference)s", reference=record.reference)
                if monthly
                # Translators: Names a one-off gift on the payment provider's checkout page;
                # %(reference)s is the gift's reference (DON-XXXX-XXXX).
                else _("Gift, reference %(reference)s", reference=record.reference)
            )
        price: dict[str, Any] = {
            "currency": "eur",
            "unit_amount": int(Decimal(data["amount"]) * 100),
            "product_data": {"name": label},
        }
        params: dict[str, Any] = {
            "mode": "subscription" if monthly else "payment",
            "submit_type": "donate",
            "locale": record.locale if record.locale in CHECKOUT_LOCALES else "auto",
            "customer_email": data["email"],
            "client_reference_id": record.id,
            "metadata": ours,
            "line_items": [{"quantity": 1, "price_data": price}],
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        if monthly:
            price["recurring"] = {"interval": "month"}
            params["subscription_data"] = {"metadata": ours}
        else:
            params["payment_intent_data"] = {"metadata": ours}
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": f"iuc-gift-{record.id}"}
            )
        except stripe.StripeError as error:
            raise PaymentUnavailable(type(error).__name__) from error
        return session.url, session.id

    # The webhook

    def verify(self, payload: bytes, signature: str) -> dict[str, Any]:
        """The event, once its signature proves it is Stripe's; else ``InvalidWebhook``."""
        try:
            stripe.WebhookSignature.verify_header(
                payload.decode("utf-8"), signature, self.webhook_secret, tolerance=300
            )
            event = json.loads(payload)
        except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
            raise InvalidWebhook(type(error).__name__) from None
        if not isinstance(event, dict) or not isinstance(event.get("data"), dict):
            raise InvalidWebhook("not an event")
        return event

    def facts(self, event: dict[str, Any]) -> list[Fact]:
        """What an event says about a gift; [] for events the site does not follow.

        Raises ``PaymentUnavailable`` when Stripe cannot say how a gift was paid.
        """
        try:
            return self._facts(event)
        except stripe.StripeError as error:
            raise PaymentUnavailable(type(error).__name__) from error

    def _facts(self, event: dict[str, Any]) -> list[Fact]:
        obj = event["data"].get("object") or {}
        at = _moment(event.get("created"))
        kind = event.get("type")
        if kind == "checkout.session.completed":
            return self._session_facts(obj, at)
        if kind == "checkout.session.async_payment_succeeded":
            return self._session_facts(obj, at)
        if kind == "checkout.session.async_payment_failed":
            return [self._about_session(obj, FAILED, at)]
        if kind == "checkout.session.expired":
            return [self._about_session(obj, EXPIRED, at)]
        if kind == "invoice.paid":
            return [self._instalment(obj, at)]
        if kind == "charge.refunded":
            return [self._refund(obj, at)]
        if kind == "customer.subscription.deleted":
            return [
                Fact(
                    ENDED, at, record_id=(obj.get("metadata") or {}).get("record"),
                    found_by=("subscription", obj.get("id", "")), key=f"{ENDED}:{obj.get('id')}",
                )
            ]  # fmt: skip
        return []

    def _about_session(self, session: dict[str, Any], kind: str, at: dt.datetime) -> Fact:
        return Fact(
            kind,
            at,
            record_id=session.get("client_reference_id"),
            found_by=("checkout_session", session.get("id", "")),
            key=f"{kind}:{session.get('id')}",
        )

    def _session_facts(self, session: dict[str, Any], at: dt.datetime) -> list[Fact]:
        """A completed session: paid now (card), paid later (a debit settling), or monthly.

        A monthly gift's money comes with ``invoice.paid``, one per month; its
        session only ties the subscription to the gift.
        """
        intent, subscription = session.get("payment_intent"), session.get("subscription")
        ties = [("checkout_session", session["id"])]
        ties += [("payment_intent", intent)] if isinstance(intent, str) else []
        ties += [("subscription", subscription)] if isinstance(subscription, str) else []
        base = {
            "record_id": session.get("client_reference_id"),
            "found_by": ("checkout_session", session.get("id", "")),
            "ties": tuple(ties),
        }
        if session.get("payment_status") != "paid":
            return [Fact(PROCESSING, at, key=f"{PROCESSING}:{session['id']}", **base)]
        if session.get("mode") == "subscription":
            return [Fact(STARTED, at, key=f"linked:{session['id']}", **base)]
        return [
            Fact(
                PAID, at, amount=_euros(session.get("amount_total")),
                method=self._method_of_intent(intent), provider_id=intent,
                key=f"{PAID}:{intent}", **base,
            )
        ]  # fmt: skip

    def _instalment(self, invoice: dict[str, Any], at: dt.datetime) -> Fact:
        details = (invoice.get("parent") or {}).get("subscription_details") or {}
        subscription = details.get("subscription") or ""
        intents = [
            payment["payment"].get("payment_intent")
            for payment in (invoice.get("payments") or {}).get("data", [])
            if (payment.get("payment") or {}).get("payment_intent")
        ]
        paid_at = (invoice.get("status_transitions") or {}).get("paid_at")
        return Fact(
            INSTALMENT,
            _moment(paid_at) if paid_at else at,
            record_id=(details.get("metadata") or {}).get("record"),
            found_by=("subscription", subscription),
            ties=(("subscription", subscription), *(("payment_intent", pi) for pi in intents)),
            amount=_euros(invoice.get("amount_paid")),
            method=self._method_of_subscription(subscription),
            provider_id=subscription,
            key=f"{INSTALMENT}:{invoice.get('id')}",
        )

    def _refund(self, charge: dict[str, Any], at: dt.datetime) -> Fact:
        refunded = charge.get("amount_refunded")
        return Fact(
            REFUNDED,
            at,
            record_id=(charge.get("metadata") or {}).get("record"),
            # A monthly gift's charges carry no metadata: their payment intent was tied.
            found_by=("payment_intent", charge.get("payment_intent") or ""),
            amount=_euros(refunded),
            provider_id=charge.get("payment_intent"),
            key=f"{REFUNDED}:{charge.get('id')}:{refunded}",
        )

    def _method_of_intent(self, intent: str | None) -> str | None:
        if not intent:
            return None
        found = self.client.v1.payment_intents.retrieve(
            intent, params={"expand": ["latest_charge"]}
        )
        charge = getattr(found, "latest_charge", None)
        details = getattr(charge, "payment_method_details", None)
        return getattr(details, "type", None)

    def _method_of_subscription(self, subscription: str) -> str | None:
        if not subscription:
            return None
        found = self.client.v1.subscriptions.retrieve(
            subscription, params={"expand": ["default_payment_method"]}
        )
        return getattr(getattr(found, "default_payment_method", None), "type", None)

    # Reconciliation

    def check(self, session_id: str) -> list[Fact]:
        """What Stripe says now of a session, for a gift whose webhook never came."""
        try:
            return self._check(session_id)
        except stripe.StripeError as error:
            raise PaymentUnavailable(type(error).__name__) from error

    def _check(self, session_id: str) -> list[Fact]:
        session = self.client.v1.checkout.sessions.retrieve(session_id).to_dict()
        now = dt.datetime.now(dt.UTC)
        if session.get("status") == "expired":
            return [self._about_session(session, EXPIRED, now)]
        if session.get("status") != "complete":
            return []
        facts = self._session_facts(session, now)
        subscription = session.get("subscription")
        if session.get("mode") == "subscription" and isinstance(subscription, str):
            found = self.client.v1.subscriptions.retrieve(
                subscription, params={"expand": ["latest_invoice"]}
            ).to_dict()
            invoice = found.get("latest_invoice")
            if isinstance(invoice, dict) and invoice.get("status") == "paid":
                facts.append(self._instalment(invoice, now))
        return facts
