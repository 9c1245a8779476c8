"""Accounting: periods per customer time zone, late usage, documents, journal, costs.

Charges get the period that bills them and the batch that stored them; draft lines
get the usage period they hold (earlier than the billed one for late usage). Existing
rows bill in their own period. ALTERs run in batch mode: SQLite recreates the table.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from billing.adapters.ledger.types import ExactDecimal, UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
DRAFT_KEY = ["customer", "period", "service", "meter", "unit", "currency"]


def upgrade() -> None:
    _charges_and_lines()
    _customers_and_documents()
    _journal_and_costs()


def _charges_and_lines() -> None:
    with op.batch_alter_table("rated_charges") as batch:
        batch.add_column(sa.Column("billed_period", sa.String(7), nullable=True))
        batch.add_column(sa.Column("batch_id", sa.BigInteger(), nullable=True))
    op.execute("UPDATE rated_charges SET billed_period = period")
    with op.batch_alter_table("rated_charges") as batch:
        batch.alter_column("billed_period", existing_type=sa.String(7), nullable=False)
        batch.drop_index("ix_rated_charges_line")
        batch.create_index(
            "ix_rated_charges_billed_line",
            ["customer", "billed_period", "service", "meter", "id"],
        )
        batch.create_index("ix_rated_charges_batch", ["batch_id"])
    with op.batch_alter_table("draft_invoice_lines") as batch:
        batch.add_column(sa.Column("usage_period", sa.String(7), nullable=True))
    op.execute("UPDATE draft_invoice_lines SET usage_period = period")
    with op.batch_alter_table("draft_invoice_lines") as batch:
        batch.alter_column("usage_period", existing_type=sa.String(7), nullable=False)
        batch.drop_constraint("uq_draft_line", type_="unique")
        batch.create_unique_constraint("uq_draft_line_usage", [*DRAFT_KEY, "usage_period"])
    op.create_table(
        "ledger_batches",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("group_id", sa.String(255), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )


def _customers_and_documents() -> None:
    op.create_table(
        "billing_customers",
        sa.Column("customer", sa.String(128), primary_key=True),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("statement_type", sa.String(16), nullable=False),
        sa.Column("cost_center", sa.String(128), nullable=True),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("grace_seconds", sa.Integer(), nullable=True),
        sa.Column("commitments", sa.Text(), nullable=False),
        sa.Column("settings_source", sa.String(16), nullable=False),
        sa.Column("closed_through", sa.String(7), nullable=True),
        sa.Column("lock_version", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "billing_sequences",
        sa.Column("series", sa.String(8), primary_key=True),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "billing_documents",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(32), nullable=False, unique=True),
        sa.Column("series", sa.String(8), nullable=False),
        sa.Column("sequence_number", sa.BigInteger(), nullable=False),
        sa.Column("document_type", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("customer_name", sa.String(256), nullable=False),
        sa.Column("cost_center", sa.String(128), nullable=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("period_start", UtcDateTime(), nullable=False),
        sa.Column("period_end", UtcDateTime(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total", ExactDecimal(), nullable=False),
        sa.Column("exact_total", ExactDecimal(), nullable=False),
        sa.Column("rounding_difference", ExactDecimal(), nullable=False),
        sa.Column("charge_count", sa.BigInteger(), nullable=False),
        sa.Column("corrects_id", sa.BigInteger(), sa.ForeignKey("billing_documents.id")),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("finalized_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("series", "sequence_number", name="uq_billing_documents_sequence"),
    )
    op.create_index("ix_billing_documents_customer", "billing_documents", ["customer", "period"])
    op.create_table(
        "billing_document_lines",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column(
            "document_id", sa.BigInteger(), sa.ForeignKey("billing_documents.id"), nullable=False
        ),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("service", sa.String(128), nullable=False),
        sa.Column("meter", sa.String(128), nullable=False),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("quantity", ExactDecimal(), nullable=False),
        sa.Column("exact_amount", ExactDecimal(), nullable=False),
        sa.Column("amount", ExactDecimal(), nullable=False),
        sa.Column("charge_count", sa.BigInteger(), nullable=False),
        sa.Column("usage_period", sa.String(7), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.UniqueConstraint("document_id", "line_no", name="uq_billing_document_lines_no"),
    )


def _journal_and_costs() -> None:
    op.create_table(
        "journal_entries",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("customer", sa.String(128), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("description", sa.String(512), nullable=False),
        sa.Column("service", sa.String(128), nullable=True),
        sa.Column("usage_period", sa.String(7), nullable=True),
        sa.Column("memo", sa.Boolean(), nullable=False),
        sa.Column("batch_id", sa.BigInteger(), nullable=True),
        sa.Column("document_id", sa.BigInteger(), sa.ForeignKey("billing_documents.id")),
        sa.Column("posted_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_journal_entries_period", "journal_entries", ["period", "customer"])
    op.create_table(
        "journal_lines",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.BigInteger(), sa.ForeignKey("journal_entries.id"), nullable=False),
        sa.Column("account", sa.String(160), nullable=False),
        sa.Column("debit", ExactDecimal(), nullable=False),
        sa.Column("credit", ExactDecimal(), nullable=False),
    )
    op.create_index("ix_journal_lines_entry", "journal_lines", ["entry_id"])
    op.create_table(
        "billing_service_costs",
        sa.Column("service", sa.String(128), primary_key=True),
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("settings_source", sa.String(16), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "billing_service_costs",
        "journal_lines",
        "journal_entries",
        "billing_document_lines",
        "billing_documents",
        "billing_sequences",
        "billing_customers",
        "ledger_batches",
    ):
        op.drop_table(table)
    with op.batch_alter_table("draft_invoice_lines") as batch:
        batch.drop_constraint("uq_draft_line_usage", type_="unique")
        batch.create_unique_constraint("uq_draft_line", DRAFT_KEY)
        batch.drop_column("usage_period")
    with op.batch_alter_table("rated_charges") as batch:
        batch.drop_index("ix_rated_charges_batch")
        batch.drop_index("ix_rated_charges_billed_line")
        batch.create_index(
            "ix_rated_charges_line", ["customer", "period", "service", "meter", "id"]
        )
        batch.drop_column("batch_id")
        batch.drop_column("billed_period")
