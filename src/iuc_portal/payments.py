"""Handing a gift over to payment.

No payment provider is reachable from this site yet, so the one working
provider is ``offline``: the gift is recorded and the team contacts the donor.
A hosted payment page can be added as another provider: its ``next_step``
would carry the URL to send the donor to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .content.models import Payment
from .donations import Frequency
from .store import Record


@dataclass(frozen=True)
class NextStep:
    """What happens after the gift is recorded; templates word it in each language."""

    kind: str  # "mandate": the team sends a direct-debit mandate; "contact": it emails the donor
    instructions: str | None = None  # the publisher's own words, when configured
    cheque_payee: str | None = None
    cheque_address: tuple[str, ...] = ()
    redirect_url: str | None = None  # a hosted payment page, for providers that have one


class PaymentProvider(Protocol):
    def next_step(self, record: Record) -> NextStep: ...


class OfflinePayment:
    def __init__(self, settings: Payment) -> None:
        self.settings = settings

    def next_step(self, record: Record) -> NextStep:
        cheque = {}
        if self.settings.cheque_payee and self.settings.cheque_address:
            cheque = {
                "cheque_payee": self.settings.cheque_payee,
                "cheque_address": tuple(self.settings.cheque_address),
            }
        if record.data["frequency"] == Frequency.MONTHLY:
            return NextStep(kind="mandate")
        return NextStep(kind="contact", instructions=self.settings.instructions, **cheque)


PROVIDERS = {"offline": OfflinePayment}


def provider_for(settings: Payment) -> PaymentProvider:
    return PROVIDERS[settings.provider](settings)
