"""The tables, as the code reads and writes them.

Alembic's revisions in ``migrations/versions`` create them; this module only
describes them for queries. A change here goes with a new revision.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

# Names for constraints, so that migrations can refer to them on every database.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator):
    """A moment in UTC, aware in Python on every database.

    SQLite keeps no time zone: values go in as UTC and come back marked UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime has no place in the store: give it a time zone")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


Json = JSON().with_variant(JSONB(), "postgresql")
# SQLite gives rowids only to INTEGER PRIMARY KEY columns.
Serial = BigInteger().with_variant(Integer(), "sqlite")

# What visitors sent: one row each, written once. ``data`` holds the form's
# fields; the one-time key makes a resent form find its first row.
submissions = Table(
    "submissions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("reference", String(20), nullable=False, unique=True),
    Column("submission_key", String(64)),
    Column("created", UTCDateTime, nullable=False),
    Column("locale", String(35), nullable=False),
    Column("schema", Integer, nullable=False),
    Column("data", Json, nullable=False),
    UniqueConstraint("kind", "submission_key"),
    Index(None, "kind", "created"),
)

# What happened to a submission later (mail sent, paid...), never a rewrite of it.
events = Table(
    "events",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column(
        "submission_id",
        String(32),
        ForeignKey("submissions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("type", String(40), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("detail", Json, nullable=False),
)

# Mail waiting to go: queued with its submission, sent by the delivery loop.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column(
        "submission_id",
        String(32),
        ForeignKey("submissions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("mail", String(40), nullable=False),
    Column("created", UTCDateTime, nullable=False),
    # pending (tried or not), sent, rejected (refused for good), abandoned (too many tries)
    Column("state", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt", UTCDateTime, nullable=False),
    # A sender's claim: nobody else sends this mail before then.
    Column("lease_until", UTCDateTime),
    # The kind of the last error (its class name, never its text, which may quote an address).
    Column("last_error", String(60)),
    UniqueConstraint("submission_id", "mail"),
    Index(None, "state", "next_attempt"),
)

# That a purge happened, how many went and when: no personal data.
purges = Table(
    "purges",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("cutoff", UTCDateTime, nullable=False),
    Column("removed", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

# One row the health check rewrites, to prove the database takes writes.
health = Table(
    "health",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("checked", UTCDateTime, nullable=False),
)

# A payment provider's objects (checkout session, payment intent, subscription...)
# tied to the gift they pay: an event naming any of them finds its gift.
payment_links = Table(
    "payment_links",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column(
        "submission_id",
        String(32),
        ForeignKey("submissions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("provider", String(20), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("provider_id", String(255), nullable=False),
    Column("created", UTCDateTime, nullable=False),
    UniqueConstraint("provider", "provider_id"),
)

# Each provider event handled, once: the same event sent again changes nothing.
provider_events = Table(
    "provider_events",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("provider", String(20), nullable=False),
    Column("event_id", String(255), nullable=False),
    Column("type", String(80), nullable=False),
    Column("received", UTCDateTime, nullable=False),
    UniqueConstraint("provider", "event_id"),
)

# The last receipt number given in each year: the row is locked while a number
# is taken, in the transaction that records the receipt, so numbers have no
# gap and no double (a sequence would leave gaps on rollback).
receipt_counters = Table(
    "receipt_counters",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last", Integer, nullable=False),
)

# Tax receipts, as printed: ``document`` holds every fact on the receipt, so a
# later change of content never changes an issued one. A cancelled receipt
# stays, with when; a correction names the number it replaces.
receipts = Table(
    "receipts",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("number", String(20), nullable=False, unique=True),
    Column("year", Integer, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column(
        "submission_id",
        String(32),
        ForeignKey("submissions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    # Which receipt of the gift: "gift", "2026" (a monthly gift's year), "gift#2" (a correction).
    Column("slot", String(40), nullable=False),
    Column("article", String(10), nullable=False),
    Column("amount", Numeric(12, 2), nullable=False),
    Column("paid_from", Date, nullable=False),
    Column("paid_to", Date, nullable=False),
    Column("issued", UTCDateTime, nullable=False),
    Column("cancelled", UTCDateTime),
    Column("replaces", String(20)),
    Column("document", Json, nullable=False),
    UniqueConstraint("year", "sequence"),
    UniqueConstraint("submission_id", "slot"),
)
