"""The status a gift's recorded payment facts add up to, whatever order they arrived in."""

from __future__ import annotations

import datetime as dt

import pytest

from iuc_portal.payments.ledger import ENDED, INSTALMENT, PAID, REFUNDED, STARTED, state_of
from iuc_portal.store import Event

T0 = dt.datetime(2026, 11, 30, 12, 0, 0, 500_000, tzinfo=dt.UTC)


def fact(kind: str, seconds: float, **detail: str) -> Event:
    return Event("DON-1", kind, T0 + dt.timedelta(seconds=seconds), detail)


@pytest.mark.parametrize("paid_after", [-0.5, 0, 0.5, 3600])
def test_a_paid_gift_is_looked_up_by_its_payment_not_its_session(paid_after: float) -> None:
    # The hand-off is stamped by our clock, the payment by Stripe's (whole seconds):
    # either may come first when they fall in the same second.
    started = fact(STARTED, 0, provider_id="cs_1")
    instalment = fact(INSTALMENT, paid_after, provider_id="sub_1", amount="20", method="card")
    for facts in ([started, instalment], [instalment, started]):
        state = state_of(facts)
        assert (state.status, state.provider_id, state.method) == ("paid", "sub_1", "card")


def test_a_gift_not_paid_yet_is_looked_up_by_its_session() -> None:
    assert state_of([fact(STARTED, 0, provider_id="cs_1")]).provider_id == "cs_1"


def test_the_first_payment_names_the_gift_and_an_end_cancels_it() -> None:
    facts = [
        fact(STARTED, 0, provider_id="cs_1"),
        fact(PAID, 5, provider_id="pi_1", amount="50"),
        fact(REFUNDED, 9, amount="10"),
        fact(ENDED, 9),
    ]
    state = state_of(reversed(facts))
    assert (state.status, state.provider_id, state.paid, state.refunded) == (
        "cancelled", "pi_1", 50, 10,
    )  # fmt: skip
