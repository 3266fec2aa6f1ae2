"""Staff commands: ``flask --app iuc_portal donations|messages export|purge|deliver``.

Output is locale-independent (ISO 8601 UTC times, amounts with a dot) so that
a spreadsheet or a script reads it the same way anywhere. Personal data goes
only to the output the operator asked for, never to the log.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import IO, Any

import click
from flask import current_app
from flask.cli import AppGroup

from .mail import PATIENT_TIMEOUT
from .outbox import FAILED, REJECTED, SENT, outbox, smtp_settings
from .submissions import Record, Store

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    if isinstance(value, bool):
        text = "yes" if value else "no"
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _store() -> Store:
    return current_app.extensions["iuc_store"]


def mail_status(kind: str) -> dict[str, str]:
    """The latest delivery outcome of each record: sent, failed, or absent (pending)."""
    status: dict[str, str] = {}
    for event in _store().events(kind):
        if event.type == SENT:
            status[event.record_id] = "sent"
        elif event.type == REJECTED:
            status[event.record_id] = "rejected"
        elif event.type == FAILED and status.get(event.record_id) != "sent":
            status[event.record_id] = "failed"
    return status


def write_csv(
    records: Iterable[Record], fields: Sequence[str], status: dict[str, str], output: IO[str]
) -> None:
    writer = csv.writer(output)
    writer.writerow(["id", "reference", "created", "locale", *fields, "mail"])
    for record in records:
        created = record.created.isoformat().replace("+00:00", "Z")
        row = [record.id, record.reference, created, record.locale]
        row += [record.data.get(name) for name in fields]
        row.append(status.get(record.id, "pending"))
        writer.writerow([neutralise(cell) for cell in row])


def write_jsonl(records: Iterable[Record], status: dict[str, str], output: IO[str]) -> None:
    for record in records:
        line = json.loads(record.to_json())
        line.pop("key", None)
        line["mail"] = status.get(record.id, "pending")
        output.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")


def submissions_group(name: str, kind: str, fields: Sequence[str]) -> AppGroup:
    """export, purge and deliver for one kind of submission."""
    group = AppGroup(name, help=f"Staff tasks on the stored {name}.")

    @group.command("export")
    @click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv")
    @click.option("--output", type=click.File("w", encoding="utf-8"), default="-")
    def export(fmt: str, output: IO[str]) -> None:
        """Write every stored submission to OUTPUT (standard output by default)."""
        records = _store().records(kind)
        status = mail_status(kind)
        if fmt == "csv":
            write_csv(records, fields, status, output)
        else:
            write_jsonl(records, status, output)

    @group.command("purge")
    @click.option(
        "--before",
        required=True,
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help="Remove what was sent before this day (UTC), YYYY-MM-DD.",
    )
    def purge(before: dt.datetime) -> None:
        """Remove submissions older than the retention period."""
        removed = _store().purge(kind, before.replace(tzinfo=dt.UTC))
        click.echo(f"{name}: {removed} removed")

    @group.command("deliver")
    def deliver() -> None:
        """Send the mail of every submission not yet mailed; a sent mail is never sent again."""
        smtp = smtp_settings()
        if smtp is None:
            raise click.ClickException("IUC_SMTP_URL and IUC_MAIL_FROM must be set to send mail")
        # No visitor waits here: a slow server gets more time than in a request.
        report = outbox(kind).deliver(replace(smtp, timeout=max(smtp.timeout, PATIENT_TIMEOUT)))
        click.echo(
            f"{report.sent} sent, {report.failed} failed, "
            f"{report.rejected} rejected, {report.waiting} waiting"
        )
        if report.failed:
            raise SystemExit(1)

    return group
