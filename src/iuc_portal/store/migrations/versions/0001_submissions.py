"""Submissions, their events, the mail outbox, the purge log and the health row.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from iuc_portal.store.schema import Json, Serial, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("submission_key", sa.String(64)),
        sa.Column("created", UTCDateTime, nullable=False),
        sa.Column("locale", sa.String(35), nullable=False),
        sa.Column("schema", sa.Integer, nullable=False),
        sa.Column("data", Json, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_submissions"),
        sa.UniqueConstraint("reference", name="uq_submissions_reference"),
        sa.UniqueConstraint("kind", "submission_key", name="uq_submissions_kind_submission_key"),
    )
    op.create_index("ix_submissions_kind_created", "submissions", ["kind", "created"])
    op.create_table(
        "events",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.String(32), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("detail", Json, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name="fk_events_submission_id_submissions",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_events_submission_id", "events", ["submission_id"])
    op.create_table(
        "outbox",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.String(32), nullable=False),
        sa.Column("mail", sa.String(40), nullable=False),
        sa.Column("created", UTCDateTime, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt", UTCDateTime, nullable=False),
        sa.Column("lease_until", UTCDateTime),
        sa.Column("last_error", sa.String(60)),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("submission_id", "mail", name="uq_outbox_submission_id_mail"),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name="fk_outbox_submission_id_submissions",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_outbox_state_next_attempt", "outbox", ["state", "next_attempt"])
    op.create_table(
        "purges",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("cutoff", UTCDateTime, nullable=False),
        sa.Column("removed", sa.Integer, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_purges"),
    )
    op.create_table(
        "health",
        sa.Column("id", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("checked", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_health"),
    )


def downgrade() -> None:
    for table in ("health", "purges", "outbox", "events", "submissions"):
        op.drop_table(table)
