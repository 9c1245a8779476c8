"""The tracking table: per consumer group and partition, the next offset to apply.

Written in the same transaction as the charges it guards, behind the platform's one
fence rule (`chargeback.tracking.admits`): a partition's batch is applied only if the
stored position is absent or the batch's first offset. So after a crash the consumer
resumes exactly after the last batch that reached the ledger, and a replay or a zombie
applies nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import Connection, select

from billing.adapters.ledger.dialect import upsert
from billing.adapters.ledger.schema import consumer_positions
from chargeback.tracking import admits

Partition = tuple[str, int]  # (topic, partition)


def stored_positions(
    conn: Connection, group: str, partitions: Iterable[Partition], *, hold: bool = False
) -> dict[Partition, int]:
    """The stored next offsets; with `hold`, their rows locked until the transaction ends."""
    wanted = set(partitions)
    topics = {topic for topic, _ in wanted}
    query = (
        select(
            consumer_positions.c.topic,
            consumer_positions.c.partition,
            consumer_positions.c.next_offset,
        )
        .where(consumer_positions.c.group_id == group)
        .where(consumer_positions.c.topic.in_(topics))
        .order_by(consumer_positions.c.topic, consumer_positions.c.partition)
    )
    rows = conn.execute(query.with_for_update() if hold else query)
    found = {(row.topic, row.partition): row.next_offset for row in rows}
    return {tp: offset for tp, offset in found.items() if tp in wanted}


def fenced(
    conn: Connection, group: str, bounds: Mapping[Partition, tuple[int, int]]
) -> dict[Partition, int]:
    """The partitions whose stored position refuses their batch (first, next), with it."""
    stored = stored_positions(conn, group, bounds, hold=True)
    return {
        tp: stored[tp] for tp, (first, _) in bounds.items() if not admits(stored.get(tp), first)
    }


def advance_positions(
    conn: Connection, group: str, positions: Mapping[Partition, int], now: datetime
) -> None:
    """Store where each admitted partition has been applied to."""
    if not positions:
        return
    insert = upsert(conn, consumer_positions)
    statement = insert.on_conflict_do_update(
        index_elements=["group_id", "topic", "partition"],
        set_={"next_offset": insert.excluded.next_offset, "updated_at": now},
    )
    rows = [
        {"group_id": group, "topic": t, "partition": p, "next_offset": n, "updated_at": now}
        for (t, p), n in sorted(positions.items())
    ]
    conn.execute(statement, rows)
