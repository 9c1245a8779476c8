"""Rate one consumed batch exactly once: load, rate, publish, then commit behind a fence.

Per partition of the batch: the tier state, the identities already charged and the
partition's stored next offset are read in one atomic snapshot; the batch is rated by
the pure domain code from that state; every message is published and acknowledged; then
one atomic commit per partition writes the new totals, the identities and the next
offset, only if the stored offset still equals the batch's first offset.

- Crash before publishing: nothing happened; the batch is rated again.
- Crash between publishing and committing: the batch is rated again from the same state,
  so the same charges are published again (same event ids, same amounts) and billing
  keeps the first of each.
- Another worker applied the partition meanwhile (a zombie after a rebalance, a replay):
  the fence refuses, and the consumer resumes from the stored offset.
Rating is deterministic from (state, records, price books), which is what makes this safe.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from chargeback.contracts import UsageEvent
from rating.service_layer.decoding import Decoded, decode_records
from rating.service_layer.ports import (
    Catalogs,
    CommitResult,
    Outcome,
    PartitionCommit,
    Publisher,
    RatingStore,
    Record,
    Snapshot,
)
from rating.service_layer.rate_records import BatchResult, rate_decoded, state_keys
from terms.domain import PriceBookCatalog, Rater, UsageKey

CATALOG_RELOADS = 3
# Messages are handed to the producer every CHUNK events, and the loop yields, so the
# broker stores one chunk while the next is rated (rating is CPU-bound, the broker is
# another process): publishing overlaps rating instead of following it.
CHUNK = 500


@dataclass
class BatchReport:
    applied: dict[int, BatchResult] = field(default_factory=dict)
    resume_at: dict[int, int] = field(default_factory=dict)  # partition -> offset to refetch
    fenced: int = 0
    stale: int = 0


async def _snapshot(
    decoded: Mapping[int, list[Decoded]], store: RatingStore, catalogs: Catalogs
) -> Snapshot:
    """A snapshot taken under the price-book generation the worker holds."""
    for _ in range(CATALOG_RELOADS):
        events = [event for part in decoded.values() for event in part]
        identities = {event.key for event in events if isinstance(event, UsageEvent)}
        usage = state_keys(events, catalogs.catalog)
        snapshot = await store.snapshot(list(decoded), usage, identities)
        if snapshot.generation == catalogs.generation:
            return snapshot
        await catalogs.reload()  # a version was published: price with it from now on
    raise RuntimeError("the price books keep changing; retrying the batch")


@dataclass
class _Rating:
    """A batch being rated: the state it started from, what it rated, what it publishes."""

    usage: dict[UsageKey, Decimal]
    seen: set[str]
    results: dict[int, BatchResult] = field(default_factory=dict)
    commits: list[PartitionCommit] = field(default_factory=list)
    sending: list[asyncio.Task[None]] = field(default_factory=list)

    async def partition(
        self,
        partition: int,
        records: Sequence[Record],
        events: list[Decoded],
        *,
        catalog: PriceBookCatalog,
        rated_at: datetime,
        publisher: Publisher,
    ) -> None:
        rater, result = Rater(catalog, self.usage), BatchResult()
        for start in range(0, len(events), CHUNK):
            chunk = events[start : start + CHUNK]
            rated = rate_decoded(chunk, rater, rated_at=rated_at, seen=self.seen)
            result.add(rated)
            self.sending.append(asyncio.create_task(publisher.publish(rated.messages)))
            await asyncio.sleep(0)  # the producer takes the chunk
            await asyncio.sleep(0)  # its sender ships it
        self.results[partition] = result
        totals = {key: self.usage[key] for key in rater.changed}
        first, following = records[0].offset, records[-1].offset + 1
        self.commits.append(PartitionCommit(partition, first, following, totals, result.rated_keys))

    async def acknowledged(self) -> None:
        """Every chunk acknowledged, or the first failure raised (after all have settled)."""
        outcomes = await asyncio.gather(*self.sending, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    async def abandon(self) -> None:
        for task in self.sending:
            task.cancel()
        await asyncio.gather(*self.sending, return_exceptions=True)


async def rate_batch(
    batch: Mapping[int, Sequence[Record]],
    *,
    store: RatingStore,
    publisher: Publisher,
    catalogs: Catalogs,
    rated_at: datetime,
) -> BatchReport:
    report = BatchReport()
    decoded = {p: decode_records([r.value for r in records]) for p, records in batch.items()}
    snapshot = await _snapshot(decoded, store, catalogs)
    rating = _Rating(dict(snapshot.usage), set(snapshot.seen))
    try:
        for partition, records in batch.items():
            stored = snapshot.offsets.get(partition)
            if stored is not None and stored != records[0].offset:
                report.resume_at[partition] = stored  # not where the store is: go there
                continue
            await rating.partition(
                partition,
                records,
                decoded[partition],
                catalog=catalogs.catalog,
                rated_at=rated_at,
                publisher=publisher,
            )
    except BaseException:
        await rating.abandon()
        raise
    await rating.acknowledged()  # published before committed: a crash here only repeats
    if rating.commits:
        _apply(report, await store.commit(rating.commits), rating.results, batch)
    return report


def _apply(
    report: BatchReport,
    outcomes: Mapping[int, CommitResult],
    results: Mapping[int, BatchResult],
    batch: Mapping[int, Sequence[Record]],
) -> None:
    for partition, committed in outcomes.items():
        if committed.outcome is Outcome.APPLIED:
            report.applied[partition] = results[partition]
        elif committed.outcome is Outcome.FENCED:
            report.fenced += 1
            report.resume_at[partition] = committed.stored_offset or 0
        else:
            report.stale += 1
            report.resume_at[partition] = batch[partition][0].offset
