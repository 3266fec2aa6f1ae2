"""Tax receipts and their gapless yearly numbering.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from iuc_portal.store.schema import Json, Serial, UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receipt_counters",
        sa.Column("year", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("year", name="pk_receipt_counters"),
    )
    op.create_table(
        "receipts",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("submission_id", sa.String(32), nullable=False),
        sa.Column("slot", sa.String(40), nullable=False),
        sa.Column("article", sa.String(10), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("paid_from", sa.Date, nullable=False),
        sa.Column("paid_to", sa.Date, nullable=False),
        sa.Column("issued", UTCDateTime, nullable=False),
        sa.Column("cancelled", UTCDateTime),
        sa.Column("replaces", sa.String(20)),
        sa.Column("document", Json, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_receipts"),
        sa.UniqueConstraint("number", name="uq_receipts_number"),
        sa.UniqueConstraint("year", "sequence", name="uq_receipts_year_sequence"),
        sa.UniqueConstraint("submission_id", "slot", name="uq_receipts_submission_id_slot"),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name="fk_receipts_submission_id_submissions",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_receipts_submission_id", "receipts", ["submission_id"])


def downgrade() -> None:
    op.drop_table("receipts")
    op.drop_table("receipt_counters")
