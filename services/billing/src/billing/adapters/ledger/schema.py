"""The ledger's tables. Migrations (`billing/adapters/ledger/migrations`) create them;
a test checks that the migrated schema matches this metadata exactly."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from billing.adapters.ledger.types import ExactDecimal, UtcDateTime

metadata = MetaData()

# BIGINT on PostgreSQL, INTEGER (the rowid alias, so it autoincrements) on SQLite.
RowId = BigInteger().with_variant(Integer(), "sqlite")

# Every rated charge, once: the source of truth every invoice line traces back to.
rated_charges = Table(
    "rated_charges",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("event_source", String(512), nullable=False),
    Column("event_id", String(256), nullable=False),
    Column("customer", String(128), nullable=False),
    # The charge's billing period 'YYYY-MM' as rating cut it (the usage period), and the
    # period whose document bills it (later, if the usage period was already finalized).
    Column("period", String(7), nullable=False),
    Column("billed_period", String(7), nullable=False),
    # The rest of the context the charge carries: the zone that cut its period, and the
    # cost center it was made for (chargeback account, FOCUS SubAccountId, filters).
    Column("time_zone", String(64), nullable=False),
    Column("cost_center", String(128), nullable=True),
    # That cost centre and its ancestors as a JSON list, most specific first (NULL: stored
    # before paths were kept; its cost centre alone is its path). Spend rolls up by it.
    Column("cost_center_path", Text(), nullable=True),
    Column("service", String(128), nullable=False),
    Column("meter", String(128), nullable=False),
    Column("unit", String(64), nullable=False),
    Column("quantity", ExactDecimal(), nullable=False),
    Column("unit_price", ExactDecimal(), nullable=False),
    Column("amount", ExactDecimal(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("price_book_version", String(64), nullable=False),
    Column("event_time", UtcDateTime(), nullable=False),
    Column("ingested_at", UtcDateTime(), nullable=True),
    Column("rated_at", UtcDateTime(), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),  # written to the ledger
    # JSON text: what explains the amount (dimensions, rule breakdown), for audits and exports.
    Column("dimensions", Text(), nullable=False),
    Column("breakdown", Text(), nullable=False),
    Column("kafka_topic", String(249), nullable=False),
    Column("kafka_partition", Integer(), nullable=False),
    Column("kafka_offset", BigInteger(), nullable=False),
    # The ledger batch that stored it: what its journal entry traces back to.
    Column("batch_id", BigInteger(), nullable=True),
    UniqueConstraint("event_source", "event_id", name="uq_rated_charges_event"),
)
# Drill-down from a document line to its charges, in id order (keyset pagination).
Index(
    "ix_rated_charges_billed_line",
    rated_charges.c.customer,
    rated_charges.c.billed_period,
    rated_charges.c.service,
    rated_charges.c.meter,
    rated_charges.c.id,
)
# Drill-down from a journal entry to its charges.
Index("ix_rated_charges_batch", rated_charges.c.batch_id)

# Where each consumer group has applied each partition up to; written with the charges.
consumer_positions = Table(
    "consumer_positions",
    metadata,
    Column("group_id", String(255), primary_key=True),
    Column("topic", String(249), primary_key=True),
    Column("partition", Integer(), primary_key=True, autoincrement=False),
    Column("next_offset", BigInteger(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# Running totals per draft invoice line, updated in the same transaction as the charges.
draft_invoice_lines = Table(
    "draft_invoice_lines",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("customer", String(128), nullable=False),
    Column("period", String(7), nullable=False),
    Column("service", String(128), nullable=False),
    Column("meter", String(128), nullable=False),
    Column("unit", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    # = period for usage; an earlier, finalized period for a late-usage adjustment line.
    Column("usage_period", String(7), nullable=False),
    Column("quantity", ExactDecimal(), nullable=False),
    Column("amount", ExactDecimal(), nullable=False),
    Column("charge_count", BigInteger(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint(
        "customer",
        "period",
        "service",
        "meter",
        "unit",
        "currency",
        "usage_period",
        name="uq_draft_line_usage",
    ),
)

LINE_KEY_COLUMNS = ("customer", "period", "service", "meter", "unit", "currency", "usage_period")

# One row per batch the consumer wrote: charges and journal entries name it.
ledger_batches = Table(
    "ledger_batches",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("group_id", String(255), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)
