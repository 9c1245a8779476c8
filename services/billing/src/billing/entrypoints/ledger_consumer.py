"""usage.rated -> the ledger: decode a batch, store it with its positions in one transaction.

The consumer is thin: the ledger decides what is new, and the fence what may be
applied. One attempt per batch; a ledger that does not answer raises, and the shared
consumer's policy backs off and tries again from the stored positions. A record that
cannot be read as a storable rated charge is poison: it is quarantined (a dead letter
in usage.rejected, counted and logged) and the partition moves on behind it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from billing import metrics
from billing.adapters.ledger import SqlLedger
from billing.domain.ledger import LedgerEntry
from chargeback.codec import decode
from chargeback.contracts import RatedCharge
from chargeback.tracking import Fenced, Outcome, PartitionBatch, Poisoned

log = logging.getLogger(__name__)


def decode_entry(tp: TopicPartition, record: ConsumerRecord) -> LedgerEntry:
    """The ledger entry a record carries; `Poisoned` if it carries none."""
    try:
        charge = decode(RatedCharge, record.value)
        return LedgerEntry(charge, record.topic, record.partition, record.offset)
    except (ValueError, TypeError) as exc:  # pydantic, JSON, money and size errors are ValueErrors
        raise Poisoned(tp, record.offset, exc) from exc


class LedgerWriter:
    """The ledger's state for the shared consumer: where to resume, and applying a batch."""

    def __init__(self, ledger: SqlLedger, *, group: str) -> None:
        self.ledger = ledger
        self.group = group

    async def positions(self, partitions: Sequence[TopicPartition]) -> dict[TopicPartition, int]:
        wanted = [(tp.topic, tp.partition) for tp in partitions]
        stored = await asyncio.to_thread(self.ledger.positions, self.group, wanted)
        return {TopicPartition(topic, partition): n for (topic, partition), n in stored.items()}

    async def apply(self, batches: Sequence[PartitionBatch]) -> dict[TopicPartition, Outcome]:
        entries = [decode_entry(b.tp, record) for b in batches for record in b.records]
        metrics.BATCH_SIZE.observe(len(entries))
        bounds = {(b.tp.topic, b.tp.partition): (b.first, b.next) for b in batches}
        started = time.perf_counter()
        outcome = await asyncio.to_thread(
            self.ledger.record, group=self.group, entries=entries, bounds=bounds
        )
        metrics.WRITE_SECONDS.observe(time.perf_counter() - started)
        metrics.CHARGES_WRITTEN.inc(outcome.written)
        metrics.DUPLICATES_SKIPPED.inc(outcome.duplicates)
        metrics.LATE_CHARGES.inc(sum(1 for placed in outcome.stored if placed.late))
        for placed in outcome.stored:
            if placed.late:
                charge = placed.entry.charge
                log.info(
                    "late usage of %s billed in %s as an adjustment",
                    placed.usage,
                    placed.billed,
                    extra={"event_id": charge.event_id, "customer": charge.customer},
                )
            delay = (outcome.recorded_at - placed.entry.charge.rated_at).total_seconds()
            metrics.RATED_TO_RECORDED_SECONDS.observe(max(0.0, delay))
        return {TopicPartition(t, p): Fenced(stored) for (t, p), stored in outcome.fenced.items()}
