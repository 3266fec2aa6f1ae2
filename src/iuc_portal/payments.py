"""How a gift is paid: the payment provider, chosen by ``IUC_PAYMENT_PROVIDER``.

``offline`` (the default) takes no money on the site: a gift is a promise,
paid afterwards by cheque or transfer, or, for a monthly gift, by a
direct-debit mandate the team sends, as the publisher's facts allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from flask import Flask, current_app

from .content.publisher import Cheque, Publisher, Transfer
from .donations import Frequency
from .store import Record


@dataclass(frozen=True)
class NextStep:
    """What the donor does after the gift is recorded; templates word it in each language."""

    kind: str  # "mandate": the team sends a mandate to sign; "pay": by cheque or transfer
    cheque: Cheque | None = None
    transfer: Transfer | None = None


class PaymentProvider(Protocol):
    name: str
    online: bool  # the gift is paid on the provider's page before the donor comes back

    def accepts(self, frequency: Frequency) -> bool:
        """Whether a gift of this frequency can be paid at all."""
        ...

    def next_step(self, record: Record) -> NextStep: ...


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


PROVIDERS = {"offline": OfflinePayment}


def provider() -> PaymentProvider:
    return current_app.extensions["iuc_payments"]


def init_app(app: Flask) -> None:
    name = app.config["PAYMENT_PROVIDER"]
    if name not in PROVIDERS:
        raise RuntimeError(
            f"IUC_PAYMENT_PROVIDER must be one of {', '.join(PROVIDERS)}, not {name!r}"
        )
    app.extensions["iuc_payments"] = PROVIDERS[name](app.extensions["iuc_content"].publisher)
