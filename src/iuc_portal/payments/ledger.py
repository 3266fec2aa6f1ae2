"""What is known of a gift's payment: facts recorded as events, and the status they add up to.

A provider's event (or a reconciliation, or a staff member's ``mark-paid``)
becomes a ``Fact``. Recording one is a single transaction: the provider event
is remembered (the same event sent twice changes nothing), the provider's
objects are tied to the gift, the fact is added to the gift's events unless
it is already there, and the acknowledgement is queued when the gift is first
paid. Nothing is rewritten: the status is worked out from the events, in the
order things happened at the provider, so an event that arrives late (a
refund before the payment it refunds) still reads right.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, exc, insert, select

from iuc_portal.store import Event, Store, queue_mail, record_event, utc_now
from iuc_portal.store.schema import events, outbox, payment_links, provider_events, submissions

log = logging.getLogger(__name__)

PAID = "paid"  # a one-off gift paid, or a gift marked paid by staff
INSTALMENT = "instalment_paid"  # one month of a monthly gift
PROCESSING = "payment_processing"  # a debit started, not yet settled
FAILED = "payment_failed"
REFUNDED = "refunded"
ENDED = "monthly_gift_ended"
EXPIRED = "payment_expired"  # the payment page was left unused until it closed
STARTED = "payment_started"  # the donor was sent to the payment page
KINDS = (STARTED, PROCESSING, PAID, INSTALMENT, FAILED, REFUNDED, ENDED, EXPIRED)
# Where several facts carry the same time, the order they can only have happened in.
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}
STATUSES = ("pending", "paid", "failed", "refunded", "cancelled")


@dataclass(frozen=True)
class Fact:
    kind: str
    at: dt.datetime  # when it happened, by the provider's clock (or the date staff gave)
    record_id: str | None = None  # our submission, when the provider names it
    found_by: tuple[str, str] | None = None  # else (kind, provider id) of an object tied to it
    ties: tuple[tuple[str, str], ...] = ()  # (kind, provider id) objects to tie to the gift
    amount: Decimal | None = None
    method: str | None = None  # card, sepa_debit, cheque, transfer
    provider_id: str | None = None  # what staff look the payment up by at the provider
    # The same fact about the same object, from a webhook or a reconciliation, counts once.
    key: str | None = None

    def detail(self) -> dict[str, Any]:
        detail: dict[str, Any] = {"key": self.key or self.kind}
        if self.amount is not None:
            detail["amount"] = str(self.amount)
        for name in ("method", "provider_id"):
            if getattr(self, name):
                detail[name] = getattr(self, name)
        return detail


@dataclass
class PaymentState:
    status: str = "pending"
    processing: bool = False  # a debit is on its way (SEPA takes days)
    paid_at: dt.datetime | None = None
    method: str | None = None
    provider_id: str | None = None
    paid: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)
    facts: list[Event] = field(default_factory=list)


def state_of(facts: Iterable[Event]) -> PaymentState:
    """The payment status that the recorded facts add up to."""
    state = PaymentState()
    ordered = sorted(
        (event for event in facts if event.type in _RANK),
        key=lambda event: (event.at, _RANK[event.type]),
    )
    paid_with = None  # the payment's own id, which staff look up, wins over the session's
    for event in ordered:
        state.facts.append(event)
        amount = Decimal(event.detail.get("amount") or 0)
        state.provider_id = state.provider_id or event.detail.get("provider_id")
        if event.type in (PAID, INSTALMENT):
            paid_with = paid_with or event.detail.get("provider_id")
            if state.status != "cancelled":
                state.status = "paid"
            state.processing = False
            state.paid_at = state.paid_at or event.at
            state.method = state.method or event.detail.get("method")
            state.paid += amount
        elif event.type == PROCESSING and state.status == "pending":
            state.processing = True
        elif event.type == FAILED and state.status in ("pending", "failed"):
            state.status, state.processing = "failed", False
        elif event.type == REFUNDED:
            state.refunded = max(state.refunded, amount)  # Stripe states the total refunded
            if state.paid and state.refunded >= state.paid:
                state.status = "refunded"
        elif event.type == ENDED or (event.type == EXPIRED and state.status == "pending"):
            state.status = "cancelled"
    state.provider_id = paid_with or state.provider_id
    return state


class UnknownGift(LookupError):
    """The provider's event names no gift of ours (another site's, or a test event)."""


def _find(connection: Connection, fact: Fact) -> str | None:
    if fact.record_id:
        found = connection.execute(
            select(submissions.c.id).where(submissions.c.id == fact.record_id)
        ).scalar()
        if found:
            return found
    if fact.found_by:
        kind, provider_id = fact.found_by
        return connection.execute(
            select(payment_links.c.submission_id).where(
                payment_links.c.kind == kind, payment_links.c.provider_id == provider_id
            )
        ).scalar()
    return None


def tie(connection: Connection, record_id: str, provider: str, kind: str, provider_id: str) -> None:
    exists = connection.execute(
        select(payment_links.c.submission_id).where(
            payment_links.c.provider == provider, payment_links.c.provider_id == provider_id
        )
    ).scalar()
    if exists is None:
        connection.execute(
            insert(payment_links).values(
                submission_id=record_id,
                provider=provider,
                kind=kind,
                provider_id=provider_id,
                created=utc_now(),
            )
        )
    elif exists != record_id:
        log.warning("%s %s is tied to another gift already", kind, provider_id)


def _already(connection: Connection, record_id: str, fact: Fact) -> bool:
    rows = connection.execute(
        select(events.c.detail).where(
            events.c.submission_id == record_id, events.c.type == fact.kind
        )
    ).scalars()
    return any(detail.get("key") == fact.detail()["key"] for detail in rows)


def record(
    store: Store,
    provider: str,
    facts: list[Fact],
    event_id: str | None = None,
    event_type: str = "",
    acknowledgement: str | None = None,
    then: Callable[[Connection, str], None] | None = None,
) -> str | None:
    """Record what a provider event says, once; return the gift's id, or None for a repeat.

    Raises ``UnknownGift`` when it names no gift of ours (nothing is recorded).
    ``acknowledgement``: the mail to queue when the gift becomes paid.
    ``then``: what else must happen in the same transaction (tax receipts).
    """
    try:
        with store.transaction(write=True) as connection:
            if event_id is not None:
                connection.execute(
                    insert(provider_events).values(
                        provider=provider, event_id=event_id, type=event_type, received=utc_now()
                    )
                )
            record_id = None
            for fact in facts:
                record_id = _find(connection, fact) or record_id
                if record_id is None:
                    raise UnknownGift(event_id or fact.kind)
                for kind, provider_id in fact.ties:
                    tie(connection, record_id, provider, kind, provider_id)
                if _already(connection, record_id, fact):
                    continue
                record_event(connection, record_id, fact.kind, fact.detail(), at=fact.at)
                if acknowledgement and fact.kind in (PAID, INSTALMENT):
                    _queue_once(connection, record_id, acknowledgement)
            if then is not None and record_id is not None:
                then(connection, record_id)
            return record_id
    except exc.IntegrityError:
        if event_id is not None:
            return None  # this provider event was handled before: nothing changes
        raise


def _queue_once(connection: Connection, record_id: str, mail: str) -> None:
    queued = connection.execute(
        select(outbox.c.id).where(outbox.c.submission_id == record_id, outbox.c.mail == mail)
    ).scalar()
    if queued is None:
        queue_mail(connection, record_id, mail, utc_now())


def started(store: Store, record_id: str, provider: str, kind: str, provider_id: str) -> None:
    """The donor is being sent to the provider's page: tie its object to the gift, once."""
    with store.transaction(write=True) as connection:
        tie(connection, record_id, provider, kind, provider_id)
        fact = Fact(STARTED, utc_now(), provider_id=provider_id, key=f"{STARTED}:{provider_id}")
        if not _already(connection, record_id, fact):
            record_event(connection, record_id, STARTED, fact.detail())


def links(store: Store, record_id: str) -> dict[str, str]:
    """kind -> provider id of the objects tied to a gift (the first of each kind)."""
    query = (
        select(payment_links.c.kind, payment_links.c.provider_id)
        .where(payment_links.c.submission_id == record_id)
        .order_by(payment_links.c.id)
    )
    with store.transaction() as connection:
        found: dict[str, str] = {}
        for kind, provider_id in connection.execute(query):
            found.setdefault(kind, provider_id)
        return found
