"""Budget plans, their versions and history; a revision row that serialises plan writes.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bm_plans",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("customer", sa.String(128)),
        sa.Column("cost_center", sa.String(128)),
        sa.Column("service", sa.String(128)),
        sa.Column("fiscal_year", sa.Integer, nullable=False),
        sa.Column("first_month", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("lineage", sa.String(64), nullable=False),
        sa.Column("supersedes", sa.String(64)),
        sa.Column("thresholds", sa.Text),
        sa.Column("forecast_thresholds", sa.Text),
        sa.Column("variance_threshold", sa.String(32)),
        sa.Column("created_by", sa.String(256), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "bm_plan_versions",
        sa.Column("plan_id", sa.String(64), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("amount", sa.String(64), nullable=False),
        sa.Column("months", sa.Text, nullable=False),
        sa.Column("phasing", sa.String(16), nullable=False),
        sa.Column("basis", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("author", sa.String(256), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "bm_plan_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("from_state", sa.String(16)),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer),
        sa.Column("actor", sa.String(256), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )
    op.create_index("ix_bm_plan_events_plan_id", "bm_plan_events", ["plan_id"])
    op.bulk_insert(
        sa.table("bm_revision", sa.column("name", sa.String), sa.column("value", sa.Integer)),
        [{"name": "plans", "value": 0}],
    )


def downgrade() -> None:
    op.execute("DELETE FROM bm_revision WHERE name = 'plans'")
    for table in ("bm_plan_events", "bm_plan_versions", "bm_plans"):
        op.drop_table(table)
