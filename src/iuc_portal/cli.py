"""Staff commands: ``flask --app iuc_portal donations|messages export|purge|deliver``,
``db upgrade|import-jsonl`` and ``outbox work``.

Output is locale-independent (ISO 8601 UTC times, amounts with a dot) so that
a spreadsheet or a script reads it the same way anywhere. Personal data goes
only to the output the operator asked for, never to the log.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import logging
import re
import signal
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import click
from flask import current_app, url_for
from flask.cli import AppGroup

from .config import private_file
from .content.publisher import PAGES, missing_facts
from .i18n import locales
from .outbox import POLL_SECONDS, DeliveryLoop, outbox, smtp_settings
from .payments import provider
from .store import Record, Retained, Store, iso, migrate
from .store.jsonl_import import import_jsonl

# A spreadsheet runs a cell that starts with one of these as a formula; and a
# spreadsheet that splits lines on a separator of its own (French Excel uses
# ";") starts a new cell after each one, quotes or not.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
AFTER_A_SEPARATOR = re.compile(r"([,;\t\r\n])(\s*)([=+\-@])")


def neutralise(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula.

    A quote goes before every character that could start a formula, at the
    start of the cell and after any separator within it.
    """
    text = "" if value is None else str(value)
    if isinstance(value, bool):
        text = "yes" if value else "no"
    text = AFTER_A_SEPARATOR.sub(r"\1\2'\3", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _store() -> Store:
    return current_app.extensions["iuc_store"]


# Columns an export adds after the form's fields: record id -> column -> value.
Extra = Callable[[str, list[Record]], dict[str, dict[str, Any]]]


def mail_column(kind: str, records: list[Record]) -> dict[str, dict[str, Any]]:
    states = outbox().states(kind)
    return {record.id: {"mail": states.get(record.id, "pending")} for record in records}


def write_csv(
    records: Iterable[Record],
    fields: Sequence[str],
    extra: dict[str, dict[str, Any]],
    columns: Sequence[str],
    output: IO[str],
) -> None:
    writer = csv.writer(output, quoting=csv.QUOTE_ALL)
    writer.writerow(["id", "reference", "created", "locale", *fields, *columns])
    for record in records:
        row = [record.id, record.reference, iso(record.created), record.locale]
        row += [record.data.get(name) for name in fields]
        row += [extra[record.id].get(column) for column in columns]
        writer.writerow([neutralise(cell) for cell in row])


def write_jsonl(
    records: Iterable[Record], extra: dict[str, dict[str, Any]], output: IO[str]
) -> None:
    for record in records:
        line = {**json.loads(record.to_json()), **extra[record.id]}
        output.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")


def submissions_group(
    name: str,
    kind: str,
    fields: Sequence[str],
    extras: Sequence[tuple[Sequence[str], Extra]] = (),
    retained: Callable[[], Retained] | None = None,
) -> AppGroup:
    """export, purge and deliver for one kind of submission.

    ``extras``: further export columns, each (their names, what fills them).
    ``retained``: what a purge must keep, whatever its date (paid gifts).
    """
    group = AppGroup(name, help=f"Staff tasks on the stored {name}.")
    extras = [(["mail"], mail_column), *extras]

    @group.command("export")
    @click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv")
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
    def export(fmt: str, output: Path | None) -> None:
        """Write every stored submission to OUTPUT (standard output by default).

        A file is created readable by its owner only: it holds personal data.
        """
        with private_file(output) if output else contextlib.nullcontext(sys.stdout) as out:
            _export(fmt, out)

    def _export(fmt: str, output: IO[str]) -> None:
        records = _store().records(kind)
        extra: dict[str, dict[str, Any]] = {record.id: {} for record in records}
        for _, fill in extras:
            for record_id, values in fill(kind, records).items():
                extra[record_id].update(values)
        columns = [column for names, _ in extras for column in names]
        if fmt == "csv":
            write_csv(records, fields, extra, columns, output)
        else:
            write_jsonl(records, extra, output)

    purge_help = "Delete for good the submissions sent before the day given."
    if retained:
        purge_help += (
            "\n\nPaid gifts and tax receipts are kept as long as the law requires "
            "(IUC_RECEIPT_RETENTION_YEARS), whatever the date given."
        )

    @group.command("purge", help=purge_help)
    @click.option(
        "--before",
        required=True,
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help="Remove what was sent before this day (UTC), YYYY-MM-DD.",
    )
    def purge(before: dt.datetime) -> None:
        keep = retained() if retained else None
        removed, kept = _store().purge(kind, before.replace(tzinfo=dt.UTC), keep)
        click.echo(f"{name}: {removed} removed")
        if kept:
            years = current_app.config["RECEIPT_RETENTION_YEARS"]
            click.echo(
                f"{name}: {kept} kept: paid gifts and tax receipts are accounting records, "
                f"kept {years} years (Code de commerce, L123-22)"
            )

    @group.command(
        "deliver",
        help=f"Send the mail of the {name} still waiting, once, without waiting for its next try.",
    )
    def deliver() -> None:
        smtp = smtp_settings()
        if smtp is None:
            raise click.ClickException("IUC_SMTP_URL and IUC_MAIL_FROM must be set to send mail")
        report = outbox().deliver(smtp, kind=kind, due_only=False)
        click.echo(
            f"{report.sent} sent, {report.failed} failed, "
            f"{report.rejected} rejected, {report.waiting} waiting"
        )
        if report.failed:
            raise SystemExit(1)

    return group


def db_group(mails: Mapping[str, str]) -> AppGroup:
    """``db upgrade`` and ``db import-jsonl``; ``mails`` names the mail each kind queues."""
    group = AppGroup("db", help="The database: schema and data carried over.")

    @group.command("upgrade")
    def upgrade() -> None:
        """Create the tables, or bring them to the latest revision (all or nothing)."""
        store = _store()
        before = migrate.current_revisions(store.engine)
        migrate.upgrade(store.engine)
        after = migrate.current_revisions(store.engine)
        state = "already up to date" if before == after else "upgraded"
        click.echo(f"database {state} (revision {', '.join(sorted(after))})")

    @group.command("import-jsonl")
    @click.option(
        "--from",
        "source",
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        help="The folder holding donations.jsonl and messages.jsonl (default: IUC_DATA_DIR).",
    )
    def import_command(source: Path | None) -> None:
        """Carry submissions kept as JSON Lines over to the database; safe to run twice."""
        directory = source or Path(current_app.config["DATA_DIR"])
        for kind, mail in mails.items():
            report = import_jsonl(_store(), directory, kind, mail)
            click.echo(
                f"{kind}: {report.added} imported, {report.already_there} already there, "
                f"{report.events} events, {report.unreadable_lines} unreadable lines skipped"
            )
            if report.purge_events:
                click.echo(f"{kind}: {report.purge_events} earlier purges noted in the files")

    return group


@click.group("outbox", cls=AppGroup, help="Mail waiting to be sent.")
def outbox_group() -> None:
    pass


@outbox_group.command("work")
def work() -> None:
    """Send queued mail as it arrives, until stopped: the delivery loop as a service.

    Run it where the site's own loop is turned off (IUC_MAIL_WORKER=0).
    """
    if smtp_settings() is None:
        raise click.ClickException("IUC_SMTP_URL and IUC_MAIL_FROM must be set to send mail")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    loop = DeliveryLoop(current_app._get_current_object())
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: loop.stop())
    click.echo(f"sending queued mail, looking every {POLL_SECONDS:g} s; stop with SIGTERM")
    loop.run()


@click.group("publish", cls=AppGroup, help="Before go-live: what the publisher must still supply.")
def publish_group() -> None:
    pass


@publish_group.command("check")
def publish_check() -> None:
    """List the publisher's facts still missing, page by page; fail while any is."""
    app = current_app._get_current_object()
    facts = app.extensions["iuc_content"].publisher
    source = app.config["PUBLISHER_FILE"] or "src/iuc_portal/data/publisher.json"
    missing = missing_facts(facts, online_payment=provider().online)
    if facts.example:
        click.echo(f"note: {source} holds example facts, fit for tests, not for the public site.")
    by_page: dict[str, list[str]] = {}
    for requirement in missing:
        by_page.setdefault(requirement.page, []).append(requirement.fact)
    with app.test_request_context():
        for page, facts_missing in by_page.items():
            endpoint = PAGES[page]
            where = ""
            if endpoint:
                urls = [url_for(endpoint, locale=code) for code in locales().codes]
                where = f" ({', '.join(urls)})"
            click.echo(f"{page}{where}:")
            for fact in facts_missing:
                click.echo(f"  - missing: {fact}")
    if missing:
        click.echo(f"Give these facts in {source} (see README, 'The publisher's facts').")
        raise SystemExit(1)
    click.echo("Every fact the pages and receipts need is supplied.")
