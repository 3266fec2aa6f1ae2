"""Payments: the provider's objects tied to each gift, and the provider events handled.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from iuc_portal.store.schema import Serial, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payment_links",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("submission_id", sa.String(32), nullable=False),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("provider_id", sa.String(255), nullable=False),
        sa.Column("created", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_payment_links"),
        sa.UniqueConstraint(
            "provider", "provider_id", name="uq_payment_links_provider_provider_id"
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name="fk_payment_links_submission_id_submissions",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_payment_links_submission_id", "payment_links", ["submission_id"])
    op.create_table(
        "provider_events",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("type", sa.String(80), nullable=False),
        sa.Column("received", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_provider_events"),
        sa.UniqueConstraint("provider", "event_id", name="uq_provider_events_provider_event_id"),
    )


def downgrade() -> None:
    op.drop_table("provider_events")
    op.drop_table("payment_links")
