"""The ledger as it was first made: rated charges, consumer positions, draft line totals.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from billing.adapters.ledger.types import ExactDecimal, UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "rated_charges",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("event_source", sa.String(512), nullable=False),
        sa.Column("event_id", sa.String(256), nullable=False),
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("service", sa.String(128), nullable=False),
        sa.Column("meter", sa.String(128), nullable=False),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("quantity", ExactDecimal(), nullable=False),
        sa.Column("unit_price", ExactDecimal(), nullable=False),
        sa.Column("amount", ExactDecimal(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("price_book_version", sa.String(64), nullable=False),
        sa.Column("event_time", UtcDateTime(), nullable=False),
        sa.Column("ingested_at", UtcDateTime(), nullable=True),
        sa.Column("rated_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("dimensions", sa.Text(), nullable=False),
        sa.Column("breakdown", sa.Text(), nullable=False),
        sa.Column("kafka_topic", sa.String(249), nullable=False),
        sa.Column("kafka_partition", sa.Integer(), nullable=False),
        sa.Column("kafka_offset", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("event_source", "event_id", name="uq_rated_charges_event"),
    )
    op.create_index(
        "ix_rated_charges_line",
        "rated_charges",
        ["customer", "period", "service", "meter", "id"],
    )
    op.create_table(
        "consumer_positions",
        sa.Column("group_id", sa.String(255), primary_key=True),
        sa.Column("topic", sa.String(249), primary_key=True),
        sa.Column("partition", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("next_offset", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "draft_invoice_lines",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("service", sa.String(128), nullable=False),
        sa.Column("meter", sa.String(128), nullable=False),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("quantity", ExactDecimal(), nullable=False),
        sa.Column("amount", ExactDecimal(), nullable=False),
        sa.Column("charge_count", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint(
            "customer", "period", "service", "meter", "unit", "currency", name="uq_draft_line"
        ),
    )


def downgrade() -> None:
    op.drop_table("draft_invoice_lines")
    op.drop_table("consumer_positions")
    op.drop_index("ix_rated_charges_line", table_name="rated_charges")
    op.drop_table("rated_charges")
