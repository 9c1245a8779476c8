"""Terms come from the price book: charges keep their context, customers only settings.

Each charge stores the zone that cut its period and the cost center it was made for
(as the charge carries them). Charges stored before get what billing then held for
their customer (that is what they were placed and posted with), UTC if nothing. The
customer columns that were terms (name, cost center, time zone, currency,
commitments) go: they are read from the published price-book versions. ALTERs run in
batch mode: SQLite recreates the table.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TERM_COLUMNS = ("name", "cost_center", "time_zone", "currency", "commitments")


# What billing holds for each charge's customer: what its charges were placed and posted
# with (unless the customer's settings changed since).
BACKFILL = """
UPDATE rated_charges SET
  time_zone = COALESCE(
    (SELECT bc.time_zone FROM billing_customers bc WHERE bc.customer = rated_charges.customer),
    'UTC'
  ),
  cost_center =
    (SELECT bc.cost_center FROM billing_customers bc WHERE bc.customer = rated_charges.customer)
"""


def upgrade() -> None:
    with op.batch_alter_table("rated_charges") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(64), nullable=True))
        batch.add_column(sa.Column("cost_center", sa.String(128), nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table("rated_charges") as batch:
        batch.alter_column("time_zone", existing_type=sa.String(64), nullable=False)
    with op.batch_alter_table("billing_customers") as batch:
        for column in TERM_COLUMNS:
            batch.drop_column(column)


def downgrade() -> None:
    with op.batch_alter_table("billing_customers") as batch:
        batch.add_column(sa.Column("name", sa.String(256), nullable=True))
        batch.add_column(sa.Column("cost_center", sa.String(128), nullable=True))
        batch.add_column(sa.Column("time_zone", sa.String(64), nullable=True))
        batch.add_column(sa.Column("currency", sa.String(3), nullable=True))
        batch.add_column(sa.Column("commitments", sa.Text(), nullable=True))
    op.execute(
        "UPDATE billing_customers SET name = customer, time_zone = 'UTC', commitments = '[]'"
    )
    with op.batch_alter_table("billing_customers") as batch:
        for column, kind in (
            ("name", sa.String(256)),
            ("time_zone", sa.String(64)),
            ("commitments", sa.Text()),
        ):
            batch.alter_column(column, existing_type=kind, nullable=False)
    with op.batch_alter_table("rated_charges") as batch:
        batch.drop_column("cost_center")
        batch.drop_column("time_zone")
