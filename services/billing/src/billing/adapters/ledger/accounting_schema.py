"""Tables of the accounting side: customer settings, finalized documents, numbering, journal,
costs."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from billing.adapters.ledger.schema import RowId, metadata
from billing.adapters.ledger.types import ExactDecimal, UtcDateTime

# Billing's settings per customer (from the settings file or the API; its terms are the
# price book's, never stored here) and how far it is finalized. Its row is also the
# customer's lock: writers share it, finalization takes it alone.
billing_customers = Table(
    "billing_customers",
    metadata,
    Column("customer", String(128), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("statement_type", String(16), nullable=False),
    Column("grace_seconds", Integer(), nullable=True),
    Column("settings_source", String(16), nullable=False),  # default | file | api
    Column("closed_through", String(7), nullable=True),  # last finalized period
    Column("lock_version", BigInteger(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# The last number handed out per series; taken in the transaction that freezes a document.
billing_sequences = Table(
    "billing_sequences",
    metadata,
    Column("series", String(8), primary_key=True),
    Column("last_number", BigInteger(), nullable=False),
)

# Finalized documents (drafts are computed from the line totals, never stored).
billing_documents = Table(
    "billing_documents",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("number", String(32), nullable=False, unique=True),
    Column("series", String(8), nullable=False),
    Column("sequence_number", BigInteger(), nullable=False),
    Column("document_type", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("customer", String(128), nullable=False),
    Column("customer_name", String(256), nullable=False),
    Column("cost_center", String(128), nullable=True),
    Column("period", String(7), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("period_start", UtcDateTime(), nullable=False),
    Column("period_end", UtcDateTime(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("total", ExactDecimal(), nullable=False),
    Column("exact_total", ExactDecimal(), nullable=False),
    Column("rounding_difference", ExactDecimal(), nullable=False),
    Column("charge_count", BigInteger(), nullable=False),
    Column("corrects_id", BigInteger(), ForeignKey("billing_documents.id"), nullable=True),
    Column("reason", Text(), nullable=True),
    Column("finalized_at", UtcDateTime(), nullable=False),
    UniqueConstraint("series", "sequence_number", name="uq_billing_documents_sequence"),
)
Index("ix_billing_documents_customer", billing_documents.c.customer, billing_documents.c.period)

billing_document_lines = Table(
    "billing_document_lines",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("document_id", BigInteger(), ForeignKey("billing_documents.id"), nullable=False),
    Column("line_no", Integer(), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("service", String(128), nullable=False),
    Column("meter", String(128), nullable=False),
    Column("unit", String(64), nullable=False),
    Column("quantity", ExactDecimal(), nullable=False),
    Column("exact_amount", ExactDecimal(), nullable=False),
    Column("amount", ExactDecimal(), nullable=False),
    Column("charge_count", BigInteger(), nullable=False),
    Column("usage_period", String(7), nullable=True),
    Column("description", Text(), nullable=False),
    UniqueConstraint("document_id", "line_no", name="uq_billing_document_lines_no"),
)

journal_entries = Table(
    "journal_entries",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("period", String(7), nullable=False),
    Column("customer", String(128), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("source", String(16), nullable=False),
    Column("description", String(512), nullable=False),
    Column("service", String(128), nullable=True),
    Column("usage_period", String(7), nullable=True),
    Column("memo", Boolean(), nullable=False),
    Column("batch_id", BigInteger(), nullable=True),
    Column("document_id", BigInteger(), ForeignKey("billing_documents.id"), nullable=True),
    Column("posted_at", UtcDateTime(), nullable=False),
)
Index("ix_journal_entries_period", journal_entries.c.period, journal_entries.c.customer)

journal_lines = Table(
    "journal_lines",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("entry_id", BigInteger(), ForeignKey("journal_entries.id"), nullable=False),
    Column("account", String(160), nullable=False),
    Column("debit", ExactDecimal(), nullable=False),
    Column("credit", ExactDecimal(), nullable=False),
)
Index("ix_journal_lines_entry", journal_lines.c.entry_id)

# Cost definitions per service; period '*' applies to every period without its own row.
billing_service_costs = Table(
    "billing_service_costs",
    metadata,
    Column("service", String(128), primary_key=True),
    Column("period", String(7), primary_key=True),
    Column("definition", Text(), nullable=False),  # JSON, see domain.costs
    Column("settings_source", String(16), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

BILLING_TABLES = frozenset(metadata.tables)
