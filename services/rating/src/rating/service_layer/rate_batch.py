"""Rate one consumed batch exactly once: load, rate, publish, then commit behind a fence.

Per partition of the batch: the tier state, the identities already charged and the
partition's stored next offset are read in one atomic snapshot; the batch is rated by
the pure domain code from that state; every message is published and acknowledged; then
one atomic commit per partition writes the new totals, the identities and the next
offset, behind the fence (`chargeback.tracking.admits`: the stored offset is absent or
still the batch's first).

- Crash before publishing: nothing happened; the batch is rated again.
- Crash between publishing and committing: the batch is rated again from the same state,
  so the same charges are published again (same event ids, same amounts) and billing
  keeps the first of each.
- Another worker applied the partition meanwhile (a zombie after a rebalance, a replay):
  the fence refuses, and the consumer resumes from the stored offset.
- An identity was charged meanwhile through another partition: a conflict; the consumer
  fetches the batch again and rates it from fresh state at once.
Rating is deterministic from (state, records, price books), which is what makes this safe.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from chargeback.contracts import UsageEvent
from chargeback.tracking import (
    APPLIED,
    Conflict,
    Fenced,
    Outcome,
    PartitionBatch,
    Unavailable,
    admits,
)
from rating.service_layer.decoding import Decoded, decode_records
from rating.service_layer.ports import (
    Catalogs,
    CommitResult,
    Committed,
    PartitionCommit,
    Publisher,
    RatingStore,
    Snapshot,
)
from rating.service_layer.rate_records import BatchResult, rate_decoded, state_keys
from terms.domain import PriceBookCatalog, PriceBookInvalid, Rater, UsageKey

CATALOG_RELOADS = 3
# Messages are handed to the producer every CHUNK events, and the loop yields, so the
# broker stores one chunk while the next is rated (rating is CPU-bound, the broker is
# another process): publishing overlaps rating instead of following it.
CHUNK = 500


@dataclass
class BatchReport:
    outcomes: dict[int, Outcome] = field(default_factory=dict)  # per partition
    applied: dict[int, BatchResult] = field(default_factory=dict)  # of the applied ones


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
        try:
            await catalogs.reload()  # a version was published: price with it from now on
        except PriceBookInvalid as invalid:  # the registry's fault, not the batch's: wait
            raise Unavailable(f"published price books cannot be loaded: {invalid}") from None
    raise Unavailable("the price books keep changing; retrying the batch")


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
        batch: PartitionBatch,
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
        partition = batch.tp.partition
        self.results[partition] = result
        totals = {key: self.usage[key] for key in rater.changed}
        self.commits.append(
            PartitionCommit(partition, batch.first, batch.next, totals, result.rated_keys)
        )

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
    batches: Sequence[PartitionBatch],
    *,
    store: RatingStore,
    publisher: Publisher,
    catalogs: Catalogs,
    rated_at: datetime,
) -> BatchReport:
    report = BatchReport()
    decoded = {b.tp.partition: decode_records([r.value for r in b.records]) for b in batches}
    snapshot = await _snapshot(decoded, store, catalogs)
    rating = _Rating(dict(snapshot.usage), set(snapshot.seen))
    try:
        for batch in batches:
            partition = batch.tp.partition
            stored = snapshot.offsets.get(partition)
            if stored is not None and not admits(stored, batch.first):
                report.outcomes[partition] = Fenced(stored)  # not where the store is: go there
                continue
            await rating.partition(
                batch,
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
        _apply(report, await store.commit(rating.commits), rating.results)
    return report


def _apply(
    report: BatchReport,
    outcomes: Mapping[int, CommitResult],
    results: Mapping[int, BatchResult],
) -> None:
    for partition, committed in outcomes.items():
        if committed.outcome is Committed.APPLIED:
            report.outcomes[partition] = APPLIED
            report.applied[partition] = results[partition]
        elif committed.outcome is Committed.FENCED:
            report.outcomes[partition] = Fenced(committed.stored_offset or 0)
        else:
            report.outcomes[partition] = Conflict("an event was charged meanwhile elsewhere")
