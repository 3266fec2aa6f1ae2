"""``flask --app iuc_portal receipts status|annual|show|totals|issue``."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from iuc_portal.config import private_file
from iuc_portal.payments import ledger
from iuc_portal.store import Store
from iuc_portal.store.schema import receipts as receipts_table
from iuc_portal.store.schema import submissions

from . import annual, catch_up, find, missing_facts
from .document import Document
from .pdf import render

group = AppGroup("receipts", help="Tax receipts: their state, the yearly ones, the totals.")


def _store() -> Store:
    return current_app.extensions["iuc_store"]


def _publisher():
    return current_app.extensions["iuc_content"].publisher


@group.command("status")
def status() -> None:
    """Receipts issued and cancelled, and paid gifts still waiting for one (and why)."""
    store = _store()
    with store.transaction() as connection:
        rows = connection.execute(select(receipts_table)).all()
        gifts = connection.execute(
            select(submissions.c.id, submissions.c.data).where(submissions.c.kind == "donations")
        ).all()
    receipted = {row.submission_id for row in rows if row.cancelled is None}
    waiting = 0
    for gift in gifts:
        if gift.data.get("frequency") == "monthly" or gift.id in receipted:
            continue
        state = ledger.state_of(store.events_of(gift.id))
        waiting += state.status == "paid"
    cancelled = sum(1 for row in rows if row.cancelled is not None)
    click.echo(f"receipts issued: {len(rows)} ({cancelled} cancelled)")
    click.echo(f"paid one-off gifts waiting for a receipt: {waiting}")
    missing = missing_facts(_publisher())
    if missing:
        click.echo("no receipt can be issued until the publisher gives " + " and ".join(missing))
    elif waiting:
        click.echo("run `flask --app iuc_portal receipts issue` to issue them")


@group.command("issue")
def issue() -> None:
    """Issue the receipts of one-off gifts paid while the publisher's facts were missing."""
    missing = missing_facts(_publisher())
    if missing:
        raise click.ClickException("the publisher must first give " + " and ".join(missing))
    numbers = catch_up(_store(), _publisher())
    click.echo(f"{len(numbers)} receipts issued" + (f": {', '.join(numbers)}" if numbers else ""))


@group.command("annual")
@click.argument("year", type=int)
def annual_command(year: int) -> None:
    """Issue YEAR's receipt of each monthly gift; run it in January. Safe to run twice."""
    missing = missing_facts(_publisher())
    if missing:
        raise click.ClickException("the publisher must first give " + " and ".join(missing))
    numbers = annual(_store(), year, _publisher())
    click.echo(f"{len(numbers)} receipts issued for {year}")


@group.command("show")
@click.argument("number")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def show(number: str, output: Path) -> None:
    """Write receipt NUMBER's PDF to OUTPUT, as it was issued."""
    receipt = find(_store(), number)
    if receipt is None:
        raise click.ClickException(f"no receipt numbered {number}")
    with private_file(output, "wb") as out:
        out.write(render(Document.from_json(receipt.document)))
    state = f", cancelled on {receipt.cancelled.date().isoformat()}" if receipt.cancelled else ""
    click.echo(f"{number}{state} -> {output}")


@group.command("totals")
@click.argument("year", type=int)
def totals(year: int) -> None:
    """What the yearly declaration needs: receipts issued in YEAR and their total, by article."""
    with _store().transaction() as connection:
        rows = connection.execute(
            select(receipts_table).where(
                receipts_table.c.year == year, receipts_table.c.cancelled.is_(None)
            )
        ).all()
    by_article: dict[str, list[Decimal]] = defaultdict(list)
    for row in rows:
        by_article[row.article].append(Decimal(row.amount))
    click.echo(f"receipts issued in {year} and not cancelled, by article of the tax code:")
    for article in sorted(by_article):
        amounts = by_article[article]
        click.echo(f"  article {article}: {len(amounts)} receipts, total {sum(amounts):.2f} EUR")
    if not by_article:
        click.echo("  none")
