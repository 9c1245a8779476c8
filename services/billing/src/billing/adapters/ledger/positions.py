"""The tracking table: per consumer group and partition, the next offset to apply.

Written in the same transaction as the charges it guards, so after a crash the
consumer resumes exactly after the last batch that reached the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import Connection, select

from billing.adapters.ledger.dialect import upsert
from billing.adapters.ledger.schema import consumer_positions


def stored_positions(
    conn: Connection, group: str, partitions: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], int]:
    wanted = set(partitions)
    topics = {topic for topic, _ in wanted}
    rows = conn.execute(
        select(
            consumer_positions.c.topic,
            consumer_positions.c.partition,
            consumer_positions.c.next_offset,
        )
        .where(consumer_positions.c.group_id == group)
        .where(consumer_positions.c.topic.in_(topics))
    )
    found = {(row.topic, row.partition): row.next_offset for row in rows}
    return {tp: offset for tp, offset in found.items() if tp in wanted}


def advance_positions(
    conn: Connection, group: str, positions: Mapping[tuple[str, int], int], now: datetime
) -> None:
    """Store where each partition has been applied to; a position never moves backwards."""
    if not positions:
        return
    insert = upsert(conn, consumer_positions)
    statement = insert.on_conflict_do_update(
        index_elements=["group_id", "topic", "partition"],
        set_={"next_offset": insert.excluded.next_offset, "updated_at": now},
        where=consumer_positions.c.next_offset < insert.excluded.next_offset,
    )
    rows = [
        {"group_id": group, "topic": t, "partition": p, "next_offset": n, "updated_at": now}
        for (t, p), n in sorted(positions.items())
    ]
    conn.execute(statement, rows)
