"""Writing one consumed batch: charges once each, line totals, journal, partition positions.

All of it happens in the caller's transaction, behind the fence: the partitions whose
stored position is not their batch's first offset change nothing. The unique
(event_source, event_id) key decides what is new: only charges the INSERT actually
stored are added to the line totals and posted to the journal, so a replayed batch or
a repeated event changes nothing. Each charge is placed in its periods (its own usage
period, billed later if that one is finalized) while the customer's row is held, so no
finalization can slip in between placing a charge and adding it to its line. The
charge's context (period, zone, cost center and its path) is stored as it came: no terms
are looked up here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from billing.adapters.ledger import customers as customer_rows
from billing.adapters.ledger.dialect import upsert
from billing.adapters.ledger.journal_writes import post
from billing.adapters.ledger.line_totals import add_to_lines
from billing.adapters.ledger.positions import Partition, advance_positions, fenced
from billing.adapters.ledger.schema import ledger_batches, rated_charges
from billing.domain.journal import usage_entries
from billing.domain.ledger import (
    BatchOutcome,
    LedgerEntry,
    PlacedEntry,
    first_of_each_event,
    line_deltas,
    place,
)
from chargeback import codec

_COPIED_FIELDS = (
    "event_source",
    "event_id",
    "customer",
    "service",
    "meter",
    "unit",
    "quantity",
    "unit_price",
    "amount",
    "currency",
    "price_book_version",
    "time_zone",
    "cost_center",
    "event_time",
    "ingested_at",
    "rated_at",
)


def record_batch(
    conn: Connection,
    *,
    group: str,
    entries: Sequence[LedgerEntry],
    bounds: Mapping[Partition, tuple[int, int]],
    now: datetime,
) -> BatchOutcome:
    """Store `entries` of the partitions whose fence admits their (first, next) bounds."""
    # A write first: on SQLite it takes the database lock before anything is read.
    batch_id = conn.execute(
        insert(ledger_batches).returning(ledger_batches.c.id),
        {"group_id": group, "recorded_at": now},
    ).scalar_one()
    refused = fenced(conn, group, bounds)
    admitted = [e for e in entries if (e.topic, e.partition) not in refused]
    unique = first_of_each_event(admitted)
    fresh: list[PlacedEntry] = []
    if unique:
        ids = {entry.charge.customer for entry in unique}
        customer_rows.ensure(conn, ids, now)
        states = customer_rows.hold_shared(conn, ids)
        placed = [place(e, states[e.charge.customer].closed_through) for e in unique]
        stored = _insert_new_charges(conn, placed, batch_id, now)
        fresh = [p for p in placed if p.entry.key in stored]
        add_to_lines(conn, line_deltas(fresh), now)
        customers = {i: state.settings for i, state in states.items()}
        post(conn, usage_entries(fresh, customers), now=now, batch_id=batch_id)
    reached = {tp: following for tp, (_, following) in bounds.items() if tp not in refused}
    advance_positions(conn, group, reached, now)
    return BatchOutcome(
        stored=tuple(fresh),
        duplicates=len(admitted) - len(fresh),
        recorded_at=now,
        fenced=refused,
    )


def _charge_row(placed: PlacedEntry, batch_id: int, now: datetime) -> dict[str, Any]:
    entry = placed.entry
    c = entry.charge
    # Attributes, not model_dump(): the contract serializes decimals and times to strings.
    copied = {name: getattr(c, name) for name in _COPIED_FIELDS}
    return {
        **copied,
        "period": str(placed.usage),
        "billed_period": str(placed.billed),
        "batch_id": batch_id,
        "recorded_at": now,
        "cost_center_path": codec.dumps(c.cost_center_path).decode()
        if c.cost_center_path
        else None,
        "dimensions": codec.dumps(c.dimensions).decode(),
        "breakdown": codec.dumps([step.model_dump(mode="json") for step in c.breakdown]).decode(),
        "kafka_topic": entry.topic,
        "kafka_partition": entry.partition,
        "kafka_offset": entry.offset,
    }


def _insert_new_charges(
    conn: Connection, entries: Sequence[PlacedEntry], batch_id: int, now: datetime
) -> set[tuple[str, str]]:
    """Insert the charges not yet stored; the (source, id) keys that were.

    The rows this transaction stored are the ones carrying its batch id, which no
    other transaction uses; asking for them afterwards is much faster on PostgreSQL
    than INSERT .. RETURNING, which psycopg would send as a few huge statements.
    """
    insert = upsert(conn, rated_charges)
    statement = insert.on_conflict_do_nothing(index_elements=["event_source", "event_id"])
    # Key order: concurrent writers of overlapping batches then wait instead of deadlocking.
    ordered = sorted(entries, key=lambda placed: placed.entry.key)
    conn.execute(statement, [_charge_row(p, batch_id, now) for p in ordered])
    stored = select(rated_charges.c.event_source, rated_charges.c.event_id).where(
        rated_charges.c.batch_id == batch_id
    )
    return {(row.event_source, row.event_id) for row in conn.execute(stored)}
