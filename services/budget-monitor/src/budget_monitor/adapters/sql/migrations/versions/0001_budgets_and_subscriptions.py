"""Budgets, webhook subscriptions, the delivery log and the change revision.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bm_budgets",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("customer", sa.String(128)),
        sa.Column("cost_center", sa.String(128)),
        sa.Column("service", sa.String(128)),
        sa.Column("amount", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("period_start", sa.String(40)),
        sa.Column("period_end", sa.String(40)),
        sa.Column("time_zone", sa.String(64)),
        sa.Column("thresholds", sa.Text),
        sa.Column("forecast_thresholds", sa.Text),
        sa.Column("origin", sa.String(8), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "bm_subscriptions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("secret", sa.String(256), nullable=False),
        sa.Column("budget_ids", sa.Text, nullable=False),
        sa.Column("scopes", sa.Text, nullable=False),
        sa.Column("description", sa.String(256), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("disabled_reason", sa.String(256)),
        sa.Column("origin", sa.String(8), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "bm_delivery_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subscription_id", sa.String(64), nullable=False),
        sa.Column("alert_id", sa.String(128), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("error", sa.String(256)),
        sa.Column("latency_ms", sa.Float, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )
    op.create_index("ix_bm_delivery_log_subscription_id", "bm_delivery_log", ["subscription_id"])
    op.create_table(
        "bm_revision",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
    )
    op.bulk_insert(
        sa.table("bm_revision", sa.column("name", sa.String), sa.column("value", sa.Integer)),
        [{"name": "config", "value": 0}],
    )


def downgrade() -> None:
    for table in ("bm_revision", "bm_delivery_log", "bm_subscriptions", "bm_budgets"):
        op.drop_table(table)
