"""Each charge keeps its cost centre's path to the root, as the terms that rated it said.

A JSON list, most specific node first. Charges stored before have none: readers take
their cost centre alone as their path (what they were made for).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rated_charges") as batch:
        batch.add_column(sa.Column("cost_center_path", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rated_charges") as batch:
        batch.drop_column("cost_center_path")
