"""What visitors send, kept in a database: donations and contact messages.

A submission is one row, written once and committed before the visitor is
told "received". What happens to it later (mail sent, paid, purged) is an
event row. The one-time key carried by a form is a unique constraint, so a
double click or a resent POST finds the first row instead of making a second.

Views use the small ``Store`` interface; the outbox (``outbox.py``) reads the
queue tables directly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Connection, Engine, exc, func, insert, select, update

from . import migrate
from .database import database_url, is_sqlite, make_engine, transaction
from .schema import events, health, outbox, purges, receipts, submissions

SCHEMA_VERSION = 1
# Crockford's base 32 without I, L, O, U: nothing to confuse when read out on the phone.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# A new reference colliding with an old one is a one-in-a-trillion event; a
# key used by a concurrent writer needs one more round. Either way, retry.
INSERT_ATTEMPTS = 5


class StoreUnavailable(Exception):
    """The database refused or could not take the operation: full, read-only or down."""


def new_reference(prefix: str) -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    """The form exports use: UTC to the second, with a Z."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Record:
    id: str
    kind: str
    reference: str
    created: dt.datetime
    locale: str
    data: Mapping[str, Any]
    key: str | None = None
    schema: int = SCHEMA_VERSION

    def to_json(self) -> str:
        """One line of the JSON Lines export: compact, keys sorted, text as written."""
        fields = {
            "id": self.id,
            "reference": self.reference,
            "created": iso(self.created),
            "locale": self.locale,
            "schema": self.schema,
            "data": dict(self.data),
        }
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_row(cls, row: Any) -> Record:
        return cls(
            id=row.id,
            kind=row.kind,
            reference=row.reference,
            created=row.created,
            locale=row.locale,
            data=row.data,
            key=row.submission_key,
            schema=row.schema,
        )


@dataclass(frozen=True)
class Event:
    record_id: str
    type: str
    at: dt.datetime
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Retained:
    """What a purge must keep: records with one of ``event_types`` recorded, or a tax
    receipt issued, on or after ``since`` (the legal retention of accounting records)."""

    since: dt.datetime
    event_types: tuple[str, ...]

    def condition(self, record_id: Any) -> Any:
        recent_event = (
            select(events.c.id)
            .where(
                events.c.submission_id == record_id,
                events.c.type.in_(self.event_types),
                events.c.at >= self.since,
            )
            .exists()
        )
        recent_receipt = (
            select(receipts.c.id)
            .where(receipts.c.submission_id == record_id, receipts.c.issued >= self.since)
            .exists()
        )
        return recent_event | recent_receipt


@dataclass(frozen=True)
class Saved:
    record: Record
    created: bool  # False when the one-time key had already been used


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextlib.contextmanager
    def transaction(self, write: bool = False) -> Iterator[Connection]:
        """A transaction; a database that fails raises ``StoreUnavailable``."""
        try:
            with transaction(self.engine, write) as connection:
                yield connection
        except exc.IntegrityError:
            raise  # a constraint said no: the caller decides what that means
        except exc.DBAPIError as error:
            raise StoreUnavailable(type(error.__cause__ or error).__name__) from error

    # Submissions

    def add(
        self,
        kind: str,
        prefix: str,
        locale: str,
        data: Mapping[str, Any],
        key: str | None = None,
        mails: Iterable[str] = (),
    ) -> Saved:
        """Store a submission once, with the mails it needs queued in the same transaction.

        A second call with the same ``key`` returns the first record, queues nothing.
        """
        for _ in range(INSERT_ATTEMPTS):
            try:
                with self.transaction(write=True) as connection:
                    if key is not None:
                        first = connection.execute(
                            select(submissions).where(
                                submissions.c.kind == kind, submissions.c.submission_key == key
                            )
                        ).first()
                        if first is not None:
                            return Saved(Record.from_row(first), created=False)
                    record = Record(
                        id=uuid.uuid4().hex,
                        kind=kind,
                        reference=new_reference(prefix),
                        created=utc_now(),
                        locale=locale,
                        data=dict(data),
                        key=key,
                    )
                    connection.execute(
                        insert(submissions).values(
                            id=record.id,
                            kind=kind,
                            reference=record.reference,
                            submission_key=key,
                            created=record.created,
                            locale=locale,
                            schema=record.schema,
                            data=record.data,
                        )
                    )
                    for mail in mails:
                        queue_mail(connection, record.id, mail, record.created)
                    return Saved(record, created=True)
            except exc.IntegrityError:
                continue  # another writer took the key (or the reference) first: look again
        raise StoreUnavailable("the submission could not be stored after repeated conflicts")

    def find(self, kind: str, reference: str) -> Record | None:
        query = select(submissions).where(
            submissions.c.kind == kind, submissions.c.reference == reference
        )
        with self.transaction() as connection:
            row = connection.execute(query).first()
        return Record.from_row(row) if row else None

    def get(self, record_id: str) -> Record | None:
        with self.transaction() as connection:
            row = connection.execute(
                select(submissions).where(submissions.c.id == record_id)
            ).first()
        return Record.from_row(row) if row else None

    def records(self, kind: str) -> list[Record]:
        query = (
            select(submissions)
            .where(submissions.c.kind == kind)
            .order_by(submissions.c.created, submissions.c.id)
        )
        with self.transaction() as connection:
            return [Record.from_row(row) for row in connection.execute(query)]

    # Events

    def add_event(
        self, record_id: str, type: str, detail: Mapping[str, Any] | None = None
    ) -> Event:
        with self.transaction(write=True) as connection:
            return record_event(connection, record_id, type, detail)

    def events_of(self, record_id: str) -> list[Event]:
        query = select(events).where(events.c.submission_id == record_id).order_by(events.c.id)
        with self.transaction() as connection:
            return [
                Event(row.submission_id, row.type, row.at, row.detail)
                for row in connection.execute(query)
            ]

    def events(self, kind: str) -> list[Event]:
        query = (
            select(events)
            .join(submissions, submissions.c.id == events.c.submission_id)
            .where(submissions.c.kind == kind)
            .order_by(events.c.id)
        )
        with self.transaction() as connection:
            return [
                Event(row.submission_id, row.type, row.at, row.detail)
                for row in connection.execute(query)
            ]

    # Retention

    def purge(
        self, kind: str, before: dt.datetime, keep: Retained | None = None
    ) -> tuple[int, int]:
        """Delete for good the submissions created before ``before``, with their events and
        mail; return (how many went, how many the law keeps).

        ``keep``: records the law requires to keep (a paid gift, a tax receipt)
        stay while they are younger than its ``since``. What remains of a purge
        is a row saying when it happened and how many went: nothing about whom.
        """
        old = (submissions.c.kind == kind) & (submissions.c.created < before)
        with self.transaction(write=True) as connection:
            kept = 0
            if keep is not None:
                protected = keep.condition(submissions.c.id)
                kept = connection.execute(
                    select(func.count()).select_from(submissions).where(old & protected)
                ).scalar_one()
                old = old & ~protected
            removed = connection.execute(submissions.delete().where(old)).rowcount
            connection.execute(
                insert(purges).values(kind=kind, cutoff=before, removed=removed, at=utc_now())
            )
        if removed and is_sqlite(self.engine):
            # The deleted pages may still sit in the write-ahead log: fold it in
            # and empty it, so the personal data is gone from disk too.
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed, kept

    def purge_log(self, kind: str) -> list[tuple[dt.datetime, dt.datetime, int]]:
        """(when, cut-off, how many) of each purge, oldest first."""
        query = select(purges).where(purges.c.kind == kind).order_by(purges.c.id)
        with self.transaction() as connection:
            return [(row.at, row.cutoff, row.removed) for row in connection.execute(query)]

    # Health

    def check_writable(self) -> None:
        """Write and commit one row: raises ``StoreUnavailable`` when the database cannot."""
        now = utc_now()
        with self.transaction(write=True) as connection:
            changed = connection.execute(
                update(health).where(health.c.id == 1).values(checked=now)
            ).rowcount
            if not changed:
                connection.execute(insert(health).values(id=1, checked=now))

    def schema_is_current(self) -> bool:
        try:
            return migrate.is_current(self.engine)
        except exc.DBAPIError as error:
            raise StoreUnavailable(type(error.__cause__ or error).__name__) from error

    def local_paths(self) -> list[Path]:
        """The folder of an SQLite database, whose free space is the site's to watch."""
        database = self.engine.url.database
        return [Path(database).parent] if is_sqlite(self.engine) and database else []

    def count(self, kind: str) -> int:
        query = select(func.count()).select_from(submissions).where(submissions.c.kind == kind)
        with self.transaction() as connection:
            return connection.execute(query).scalar_one()


def record_event(
    connection: Connection,
    record_id: str,
    type: str,
    detail: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> Event:
    """An event on a submission; ``at`` when it happened elsewhere first (a provider's time)."""
    event = Event(record_id, type, at or utc_now(), dict(detail or {}))
    connection.execute(
        insert(events).values(
            submission_id=record_id, type=type, at=event.at, detail=dict(event.detail)
        )
    )
    return event


def queue_mail(connection: Connection, record_id: str, mail: str, now: dt.datetime) -> None:
    connection.execute(
        insert(outbox).values(
            submission_id=record_id,
            mail=mail,
            created=now,
            state="pending",
            attempts=0,
            next_attempt=now,
        )
    )


def open_store(config: Mapping[str, Any]) -> Store:
    """The store the settings name; an SQLite database is created or upgraded here.

    PostgreSQL is upgraded by ``flask --app iuc_portal db upgrade``, a step of
    its own in a deployment, so that several machines never race to migrate.
    """
    engine = make_engine(database_url(config))
    if is_sqlite(engine):
        migrate.upgrade(engine)
        # Nothing opened here may cross into a forked worker.
        engine.dispose()
    return Store(engine)


def init_app(app: Flask) -> None:
    app.extensions["iuc_store"] = open_store(app.config)
