"""Tax receipts ("reçus au titre des dons"): issued for money received, numbered without gaps.

A receipt is issued only for a paid gift: when a one-off gift becomes paid
(the provider's webhook, a reconciliation, or ``donations mark-paid``), in the
very transaction that records the payment, and once a year for the
instalments of a monthly gift (``receipts annual``). Its number, YEAR-NNNNNN,
is taken from a counter row locked in that transaction: two workers or two
machines never share or skip one. What the receipt says is stored as printed
(``document``), so a later edit of the content or the publisher's facts never
changes an issued receipt. A refund cancels the receipt (recorded, never
deleted) and, for a partial one, a corrected receipt replaces it.

While the publisher has not given the beneficiary's facts and the signatory,
no receipt is issued: the payment is recorded all the same, the log says so,
and ``receipts status`` counts the gifts waiting.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from iuc_portal.content.publisher import Publisher
from iuc_portal.payments import ledger
from iuc_portal.store import Event, Retained, queue_mail, record_event, utc_now
from iuc_portal.store.schema import events, receipt_counters, receipts, submissions

from .document import Document, build

log = logging.getLogger(__name__)

MAIL = "receipt"  # the outbox's mail for a receipt is "receipt:<number>"
ISSUED = "receipt_issued"
CANCELLED = "receipt_cancelled"


def missing_facts(publisher: Publisher) -> list[str]:
    """What a receipt needs from the publisher and does not have yet."""
    missing = []
    if publisher.beneficiary is None:
        missing.append("the beneficiary (in the publisher's facts: beneficiary)")
    if publisher.receipt_signatory is None:
        missing.append("the signatory (in the publisher's facts: receipt_signatory)")
    return missing


def take_number(connection: Connection, year: int) -> tuple[str, int]:
    """The next number of ``year``, from its counter row, locked until the transaction ends.

    On SQLite the write transaction (BEGIN IMMEDIATE) already lets one writer
    in at a time; on PostgreSQL the row lock (FOR UPDATE) queues the others.
    """
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    connection.execute(
        dialect.insert(receipt_counters).values(year=year, last=0).on_conflict_do_nothing()
    )
    last = connection.execute(
        select(receipt_counters.c.last).where(receipt_counters.c.year == year).with_for_update()
    ).scalar_one()
    connection.execute(
        update(receipt_counters).where(receipt_counters.c.year == year).values(last=last + 1)
    )
    return f"{year}-{last + 1:06d}", last + 1


def _active(connection: Connection, record_id: str) -> list[Any]:
    return connection.execute(
        select(receipts)
        .where(receipts.c.submission_id == record_id, receipts.c.cancelled.is_(None))
        .order_by(receipts.c.id)
    ).all()


def _slot(connection: Connection, record_id: str, base: str) -> str:
    """A free slot: "gift", then "gift#2" for its correction, and so on."""
    taken = set(
        connection.execute(
            select(receipts.c.slot).where(receipts.c.submission_id == record_id)
        ).scalars()
    )
    if base not in taken:
        return base
    return next(f"{base}#{n}" for n in range(2, 1000) if f"{base}#{n}" not in taken)


def _issue(
    connection: Connection,
    row: Any,
    publisher: Publisher,
    slot: str,
    amount: Decimal,
    paid_from: dt.date,
    paid_to: dt.date,
    method: str | None,
    replaces: str | None = None,
) -> str:
    issued = utc_now()
    number, sequence = take_number(connection, issued.year)
    document = build(
        row, publisher, number, amount, paid_from, paid_to, method, issued.date(), replaces
    )
    connection.execute(
        insert(receipts).values(
            number=number,
            year=issued.year,
            sequence=sequence,
            submission_id=row.id,
            slot=_slot(connection, row.id, slot),
            article=document.article,
            amount=amount,
            paid_from=paid_from,
            paid_to=paid_to,
            issued=issued,
            replaces=replaces,
            document=document.as_json(),
        )
    )
    record_event(connection, row.id, ISSUED, {"number": number, "replaces": replaces})
    queue_mail(connection, row.id, f"{MAIL}:{number}", issued)
    log.info("receipt %s issued for %s", number, row.reference)
    return number


def _cancel(connection: Connection, receipt: Any, reason: str) -> None:
    connection.execute(
        update(receipts).where(receipts.c.id == receipt.id).values(cancelled=utc_now())
    )
    record_event(connection, receipt.submission_id, CANCELLED, {"number": receipt.number,
                                                                "reason": reason})  # fmt: skip
    log.info("receipt %s cancelled (%s)", receipt.number, reason)


def _facts(connection: Connection, record_id: str) -> list[Event]:
    rows = connection.execute(
        select(events).where(events.c.submission_id == record_id).order_by(events.c.id)
    )
    return [Event(r.submission_id, r.type, r.at, r.detail) for r in rows]


def settle(connection: Connection, record_id: str, publisher: Publisher | None = None) -> None:
    """Bring a one-off gift's receipts in line with what was paid and refunded.

    Called in the transaction that records a payment fact: paid, it gets its
    receipt; refunded, its receipt is cancelled; partly refunded, a corrected
    receipt replaces it. Monthly gifts get theirs once a year (``annual``).
    """
    publisher = publisher or current_app.extensions["iuc_content"].publisher
    row = connection.execute(select(submissions).where(submissions.c.id == record_id)).one()
    if row.data.get("frequency") == "monthly":
        _settle_years(connection, row, publisher)
        return
    state = ledger.state_of(_facts(connection, record_id))
    kept = state.paid - state.refunded if state.status in ("paid", "refunded") else Decimal(0)
    active = _active(connection, record_id)
    current = active[0] if active else None
    if current is not None and Decimal(current.amount) == kept:
        return
    if kept > 0 and missing_facts(publisher):
        log.warning(
            "%s is paid, but no receipt can be issued until the publisher gives %s",
            row.reference, " and ".join(missing_facts(publisher)),
        )  # fmt: skip
        return
    if current is not None:
        _cancel(connection, current, "refunded" if kept == 0 else "corrected after a refund")
    if kept > 0 and state.paid_at is not None:
        day = state.paid_at.date()
        _issue(connection, row, publisher, "gift", kept, day, day, state.method,
               replaces=current.number if current is not None else None)  # fmt: skip


def _year_totals(facts: Iterable[Event]) -> dict[int, tuple[Decimal, dt.date, dt.date, str | None]]:
    """Per year: (amount kept, first and last payment days, method) of a monthly gift."""
    paid: dict[int, list[Event]] = defaultdict(list)
    refunded: dict[str, tuple[int, Decimal]] = {}
    for fact in facts:
        if fact.type == ledger.INSTALMENT:
            paid[fact.at.year].append(fact)
        elif fact.type == ledger.REFUNDED:  # the total refunded of one charge, so far
            charge = fact.detail.get("key", "").split(":")[1:2] or [fact.detail.get("key")]
            amount = Decimal(fact.detail.get("amount") or 0)
            refunded[charge[0]] = (fact.at.year, max(amount, refunded.get(charge[0], (0, 0))[1]))
    totals = {}
    for year, instalments in paid.items():
        amount = sum((Decimal(f.detail.get("amount") or 0) for f in instalments), Decimal(0))
        amount -= sum((value for y, value in refunded.values() if y == year), Decimal(0))
        days = sorted(f.at.date() for f in instalments)
        totals[year] = (amount, days[0], days[-1], instalments[0].detail.get("method"))
    return totals


def _settle_years(
    connection: Connection, row: Any, publisher: Publisher, year: int | None = None
) -> list[str]:
    """A monthly gift's yearly receipts: corrected after a refund; issued for ``year``."""
    issued = []
    totals = _year_totals(_facts(connection, row.id))
    active = {r.slot.split("#")[0]: r for r in _active(connection, row.id)}
    for each_year, (amount, first, last, method) in sorted(totals.items()):
        current = active.get(str(each_year))
        if current is None and each_year != year:
            continue  # a year is receipted by `receipts annual`, once it is over
        if current is not None and Decimal(current.amount) == amount:
            continue
        if missing_facts(publisher):
            log.warning("%s: no receipt for %d until the publisher gives %s", row.reference,
                        each_year, " and ".join(missing_facts(publisher)))  # fmt: skip
            continue
        if current is not None:
            _cancel(connection, current, "corrected after a refund")
        if amount > 0:
            issued.append(_issue(connection, row, publisher, str(each_year), amount, first, last,
                                 method, replaces=current.number if current else None))  # fmt: skip
    return issued


def annual(store: Any, year: int, publisher: Publisher) -> list[str]:
    """Issue the yearly receipt of every monthly gift paid in ``year``; idempotent."""
    numbers: list[str] = []
    with store.transaction() as connection:
        monthly = [
            row.id
            for row in connection.execute(
                select(submissions.c.id, submissions.c.data).where(
                    submissions.c.kind == "donations"
                )
            )
            if row.data.get("frequency") == "monthly"
        ]
    for record_id in monthly:  # one transaction each: a failure stops nothing else
        with store.transaction(write=True) as connection:
            row = connection.execute(select(submissions).where(submissions.c.id == record_id)).one()
            numbers += _settle_years(connection, row, publisher, year=year)
    return numbers


def catch_up(store: Any, publisher: Publisher) -> list[str]:
    """Issue the receipts of one-off gifts paid while the publisher's facts were missing."""
    numbers: list[str] = []
    with store.transaction() as connection:
        ids = [
            row.id
            for row in connection.execute(
                select(submissions.c.id, submissions.c.data).where(
                    submissions.c.kind == "donations"
                )
            )
            if row.data.get("frequency") != "monthly"
        ]
    for record_id in ids:
        with store.transaction(write=True) as connection:
            before = {r.number for r in _active(connection, record_id)}
            settle(connection, record_id, publisher)
            numbers += [r.number for r in _active(connection, record_id) if r.number not in before]
    return numbers


def retained() -> Retained:
    """What a purge keeps: gifts paid, and receipts issued, within the legal period."""
    years = current_app.config["RECEIPT_RETENTION_YEARS"]
    now = utc_now()
    try:
        since = now.replace(year=now.year - years)
    except ValueError:  # 29 February, in a year that has none
        since = now.replace(year=now.year - years, day=28)
    return Retained(since, (ledger.PAID, ledger.INSTALMENT))


def receipt_column(kind: str, records: list[Any]) -> dict[str, dict[str, Any]]:
    """The export's ``receipt_number``: each gift's receipts still valid."""
    with current_app.extensions["iuc_store"].transaction() as connection:
        rows = connection.execute(
            select(receipts.c.submission_id, receipts.c.number)
            .where(receipts.c.cancelled.is_(None))
            .order_by(receipts.c.id)
        ).all()
    numbers: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        numbers[row.submission_id].append(row.number)
    return {r.id: {"receipt_number": " ".join(numbers.get(r.id, [])) or None} for r in records}


def find(store: Any, number: str) -> Any:
    with store.transaction() as connection:
        return connection.execute(select(receipts).where(receipts.c.number == number)).first()


def of_gift(store: Any, record_id: str) -> list[Any]:
    with store.transaction() as connection:
        return connection.execute(
            select(receipts).where(receipts.c.submission_id == record_id).order_by(receipts.c.id)
        ).all()


__all__ = ["Document", "annual", "catch_up", "find", "missing_facts", "of_gift", "settle"]
