"""How a gift is paid: the payment provider, chosen by ``IUC_PAYMENT_PROVIDER``.

``offline`` (the default) takes no money on the site: a gift is a promise,
paid afterwards by cheque or transfer, or, for a monthly gift, by a
direct-debit mandate the team sends, as the publisher's facts allow.
``stripe`` hands the donor to Stripe Checkout (``stripe_checkout.py``);
what happened to the payment comes back by signed webhook and is kept in
the gift's events (``ledger.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask, current_app

from iuc_portal.content.publisher import Cheque, Publisher, Transfer
from iuc_portal.donations import Frequency
from iuc_portal.store import Record


class PaymentUnavailable(Exception):
    """The provider could not be reached, or refused what was asked."""


class InvalidWebhook(ValueError):
    """A webhook body not signed with our secret, or not an event."""


@dataclass(frozen=True)
class NextStep:
    """What the donor does after a promise is recorded; templates word it in each language."""

    kind: str  # "mandate": the team sends a mandate to sign; "pay": by cheque or transfer
    cheque: Cheque | None = None
    transfer: Transfer | None = None


class PaymentProvider(Protocol):
    name: str
    online: bool  # the gift is paid on the provider's page before the donor comes back

    def accepts(self, frequency: Frequency) -> bool:
        """Whether a gift of this frequency can be paid at all."""
        ...


class OfflinePayment:
    name = "offline"
    online = False

    def __init__(self, publisher: Publisher) -> None:
        self.ways = publisher.ways_to_pay

    def accepts(self, frequency: Frequency) -> bool:
        if frequency == Frequency.MONTHLY:
            return self.ways.direct_debit_mandate
        return bool(self.ways.cheque or self.ways.transfer)

    def next_step(self, record: Record) -> NextStep:
        if record.data["frequency"] == Frequency.MONTHLY:
            return NextStep(kind="mandate")
        return NextStep(kind="pay", cheque=self.ways.cheque, transfer=self.ways.transfer)


def form_action_origins(config: Mapping[str, Any]) -> tuple[str, ...]:
    """Origins a form post may lead to besides the site (CSP ``form-action``)."""
    if config["PAYMENT_PROVIDER"] != "stripe":
        return ()
    from .stripe_checkout import StripeCheckout  # the SDK only where Stripe is used

    return StripeCheckout.form_origins(config.get("STRIPE_API_BASE"))


def make_provider(config: Mapping[str, Any], publisher: Publisher) -> PaymentProvider:
    """The provider the settings name (config.check has made sure they are complete)."""
    if config["PAYMENT_PROVIDER"] == "stripe":
        from .stripe_checkout import StripeCheckout

        return StripeCheckout(
            config["STRIPE_SECRET_KEY"],
            config["STRIPE_WEBHOOK_SECRET"],
            config.get("STRIPE_API_BASE"),
        )
    return OfflinePayment(publisher)


def provider() -> Any:
    return current_app.extensions["iuc_payments"]


def init_app(app: Flask) -> None:
    app.extensions["iuc_payments"] = make_provider(
        app.config, app.extensions["iuc_content"].publisher
    )
