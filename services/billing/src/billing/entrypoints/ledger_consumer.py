"""usage.rated -> the ledger: decode a batch, store it with its positions in one transaction.

The consumer is thin: the ledger decides what is new. Records that cannot be read
as a storable rated charge are logged and counted, and their offsets still
advance, so one bad record never stops the partition behind it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord
from sqlalchemy.exc import SQLAlchemyError

from billing import metrics
from billing.adapters.ledger import SqlLedger
from billing.domain.ledger import BatchOutcome, LedgerEntry, reached_positions
from chargeback.codec import decode
from chargeback.contracts import RatedCharge

log = logging.getLogger(__name__)

MAX_RETRY_DELAY_S = 5.0


def decode_entry(record: ConsumerRecord) -> LedgerEntry | None:
    """The ledger entry a record carries, or None (logged, counted) if it carries none."""
    try:
        charge = decode(RatedCharge, record.value)
        return LedgerEntry(charge, record.topic, record.partition, record.offset)
    except (ValueError, TypeError) as exc:  # pydantic, JSON, money and size errors are ValueErrors
        metrics.UNDECODABLE_RECORDS.inc()
        log.warning(
            "skipping undecodable record at offset %s: %s",
            record.offset,
            str(exc)[:500],
            extra={"topic": record.topic, "partition": record.partition},
        )
        return None


class LedgerWriter:
    """The BatchConsumer's two callbacks: where to resume, and what to do with a batch."""

    def __init__(self, ledger: SqlLedger, *, group: str) -> None:
        self.ledger = ledger
        self.group = group

    async def positions(self, partitions: Sequence[TopicPartition]) -> dict[TopicPartition, int]:
        wanted = [(tp.topic, tp.partition) for tp in partitions]
        stored = await asyncio.to_thread(self.ledger.positions, self.group, wanted)
        return {TopicPartition(topic, partition): n for (topic, partition), n in stored.items()}

    async def handle(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        records = [record for part in batch.values() for record in part]
        metrics.BATCH_SIZE.observe(len(records))
        decoded = (decode_entry(record) for record in records)
        entries = [entry for entry in decoded if entry is not None]
        reached = reached_positions((r.topic, r.partition, r.offset) for r in records)
        outcome = await self._write(entries, reached)
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

    async def _write(
        self, entries: list[LedgerEntry], reached: dict[tuple[str, int], int]
    ) -> BatchOutcome:
        """Write until the ledger takes the batch: skipping it would lose charges."""
        delay = 0.1
        while True:
            started = time.perf_counter()
            try:
                outcome = await asyncio.to_thread(
                    self.ledger.record, group=self.group, entries=entries, positions=reached
                )
            except SQLAlchemyError as exc:
                metrics.WRITE_FAILURES.inc()
                log.error("ledger write failed, retrying in %.1fs: %s", delay, str(exc)[:500])
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RETRY_DELAY_S)
                continue
            metrics.WRITE_SECONDS.observe(time.perf_counter() - started)
            return outcome
