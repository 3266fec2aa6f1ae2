"""Staff commands on payments: ``donations mark-paid``, ``donations reconcile``, and the
payment columns of ``donations export``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import Connection

from iuc_portal.store import Event, Record, Store, iso, utc_now

from . import PaymentUnavailable, ledger, provider

PAYMENT_COLUMNS = ("status", "paid_at", "payment_method", "provider_id")
# A gift still pending this long after the donor left for the payment page
# has had time for its webhook: `reconcile` asks the provider.
RECONCILE_AFTER = dt.timedelta(hours=1)


def _store() -> Store:
    return current_app.extensions["iuc_store"]


def _states(kind: str) -> dict[str, ledger.PaymentState]:
    by_record: dict[str, list[Event]] = defaultdict(list)
    for event in _store().events(kind):
        by_record[event.record_id].append(event)
    return {record_id: ledger.state_of(events) for record_id, events in by_record.items()}


def payment_columns(kind: str, records: list[Record]) -> dict[str, dict[str, Any]]:
    states = _states(kind)
    columns = {}
    for record in records:
        state = states.get(record.id, ledger.PaymentState())
        columns[record.id] = {
            "status": state.status,
            "paid_at": iso(state.paid_at) if state.paid_at else None,
            "payment_method": state.method,
            "provider_id": state.provider_id,
        }
    return columns


def add_commands(
    group: AppGroup,
    kind: str,
    acknowledgement: str,
    settle: Callable[[Connection, str], None] | None = None,
) -> None:
    """``settle``: what a payment must set off in its transaction (the tax receipt)."""

    @group.command("mark-paid")
    @click.argument("reference")
    @click.option("--method", required=True, type=click.Choice(["cheque", "transfer"]))
    @click.option(
        "--date",
        "paid_on",
        required=True,
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help="The day the money was received, YYYY-MM-DD.",
    )
    def mark_paid(reference: str, method: str, paid_on: dt.datetime) -> None:
        """Record that a gift was paid by cheque or transfer (received on DATE)."""
        store = _store()
        record = store.find(kind, reference)
        if record is None:
            raise click.ClickException(f"no gift with the reference {reference}")
        state = ledger.state_of(store.events_of(record.id))
        if state.status == "paid":
            paid = state.paid_at.date().isoformat() if state.paid_at else "?"
            raise click.ClickException(f"{reference} is already paid ({paid})")
        when = paid_on.replace(tzinfo=dt.UTC)
        if when.date() > utc_now().date():
            raise click.ClickException("the date is in the future")
        fact = ledger.Fact(
            ledger.PAID,
            when,
            record_id=record.id,
            amount=Decimal(record.data["amount"]),
            method=method,
            key=f"{ledger.PAID}:{method}:{when.date().isoformat()}",
        )
        ledger.record(store, "staff", [fact], acknowledgement=acknowledgement, then=settle)
        click.echo(f"{reference}: paid by {method} on {when.date().isoformat()}")

    @group.command("reconcile")
    def reconcile() -> None:
        """Ask the payment provider about every gift still pending after an hour."""
        pay = provider()
        if not pay.online:
            raise click.ClickException("the offline provider has nothing to ask: see mark-paid")
        store = _store()
        states = _states(kind)
        asked = changed = 0
        for record in store.records(kind):
            state = states.get(record.id, ledger.PaymentState())
            if state.status != "pending" or utc_now() - record.created < RECONCILE_AFTER:
                continue
            session = ledger.links(store, record.id).get("checkout_session")
            if session is None:
                continue  # the donor never reached the payment page
            asked += 1
            try:
                facts = pay.check(session)
            except PaymentUnavailable as error:
                raise click.ClickException(f"the provider did not answer ({error})") from None
            recorded = facts and ledger.record(
                store, pay.name, facts, acknowledgement=acknowledgement, then=settle
            )
            if recorded:
                after = ledger.state_of(store.events_of(record.id))
                if after.status != state.status or after.processing != state.processing:
                    changed += 1
                    click.echo(f"{record.reference}: {after.status}")
        click.echo(f"{asked} pending gifts asked about, {changed} changed")
