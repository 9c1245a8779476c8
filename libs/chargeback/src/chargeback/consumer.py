"""A batch consumer whose positions live in the consumer's own store, not in Kafka.

Kafka delivers at least once. A consumer that writes state records, in the same
atomic write, the offset each partition has reached (a tracking table in SQL, a
hash in Redis). On every assignment it asks its store where to resume and seeks
there, so a replay after a crash or rebalance starts at the first unapplied
record; the store also refuses an offset it has already applied. Committing to
Kafka is only a courtesy for lag monitoring.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.structs import ConsumerRecord

from chargeback.metrics import ConsumerLag

log = logging.getLogger(__name__)

Positions = Callable[[Sequence[TopicPartition]], Awaitable[dict[TopicPartition, int]]]
Batch = dict[TopicPartition, list[ConsumerRecord]]
# A handler may leave part of a batch for later: it returns, per unfinished partition,
# the offset to fetch again from (an undelivered webhook, a part that is down).
BatchHandler = Callable[[Batch], Awaitable[dict[TopicPartition, int] | None]]


@dataclass
class ConsumerConfig:
    bootstrap: str
    topic: str
    group_id: str
    max_records: int = 5000
    poll_timeout_ms: int = 200
    session_timeout_ms: int = 10000
    retry_pause_s: float = 0.5


class _SeekToStored(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, owner: BatchConsumer, consumer: AIOKafkaConsumer) -> None:
        self.owner = owner
        self.consumer = consumer

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        for tp in revoked:  # another worker reports their lag now
            self.owner.highwater.pop(tp, None)
            self.owner.position.pop(tp, None)

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        if not assigned:
            return
        stored = await self.owner.positions(list(assigned))
        for tp in assigned:
            # Nothing applied yet: start at the beginning (committed Kafka offsets are
            # not trusted, and the embedded broker answers LATEST wrongly).
            next_offset = stored.get(tp, 0)
            self.consumer.seek(tp, next_offset)
            self.owner.position[tp] = next_offset  # lag counts from here, not from zero
        log.info(
            "assigned %s", {f"{tp.topic}[{tp.partition}]": stored.get(tp, 0) for tp in assigned}
        )


class BatchConsumer:
    """Polls batches and hands them, grouped by partition, to `handle`."""

    def __init__(
        self,
        config: ConsumerConfig,
        *,
        positions: Positions,
        handle: BatchHandler,
        lag_metric: ConsumerLag | None = None,
    ) -> None:
        self.config = config
        self.lag_metric = lag_metric
        self.positions = positions
        self.handle = handle
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self.highwater: dict[TopicPartition, int] = {}
        self.position: dict[TopicPartition, int] = {}

    async def start(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.config.bootstrap,
            group_id=self.config.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=self.config.session_timeout_ms,
            heartbeat_interval_ms=max(1000, self.config.session_timeout_ms // 5),
            max_poll_records=self.config.max_records,
            fetch_max_wait_ms=50,
        )
        await consumer.start()
        consumer.subscribe([self.config.topic], listener=_SeekToStored(self, consumer))
        self._consumer = consumer
        self._task = asyncio.create_task(self._run(), name=f"consume-{self.config.topic}")
        if self.lag_metric is not None:
            self.lag_metric.watch(self)

    async def _run(self) -> None:
        assert self._consumer is not None
        consumer = self._consumer
        while True:
            batch = await consumer.getmany(
                timeout_ms=self.config.poll_timeout_ms, max_records=self.config.max_records
            )
            batch = {tp: records for tp, records in batch.items() if records}
            if not batch:
                self._note_lag(consumer)
                continue
            try:
                unfinished = await self.handle(batch) or {}
            except Exception:
                # The store is the truth: go back to what it holds and try again shortly,
                # rather than let one bad moment (a database restart) end the consumer.
                log.exception("batch failed; resuming from stored positions")
                await self._rewind(consumer, batch)
                await asyncio.sleep(self.config.retry_pause_s)
                continue
            for tp, offset in unfinished.items():
                if tp in consumer.assignment():
                    consumer.seek(tp, offset)
            offsets = {
                tp: unfinished.get(tp, records[-1].offset + 1) for tp, records in batch.items()
            }
            self.position.update(offsets)
            self._note_lag(consumer)
            try:
                await consumer.commit(offsets)
            except Exception as exc:  # a rebalance in between; the store is the truth
                log.info("offset commit skipped: %s", exc)
            if unfinished:
                await asyncio.sleep(self.config.retry_pause_s)  # no hot loop on a failing part

    async def _rewind(self, consumer: AIOKafkaConsumer, batch: Batch) -> None:
        try:
            stored = await self.positions(list(batch))
            fallback = {tp: 0 for tp in batch}  # nothing stored: nothing applied yet
        except Exception:
            log.exception("stored positions unreadable; retrying the same batch")
            stored, fallback = {}, {tp: records[0].offset for tp, records in batch.items()}
        for tp in batch:
            if tp in consumer.assignment():
                consumer.seek(tp, stored.get(tp, fallback[tp]))

    def _note_lag(self, consumer: AIOKafkaConsumer) -> None:
        for tp in consumer.assignment():
            high = consumer.highwater(tp)
            if high is not None:
                self.highwater[tp] = high

    def lag(self) -> dict[TopicPartition, int]:
        """Records behind the high watermark, per assigned partition."""
        return {tp: max(0, high - self.position.get(tp, 0)) for tp, high in self.highwater.items()}

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        if self.lag_metric is not None:
            self.lag_metric.forget(self)
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            except Exception:
                log.exception("consumer loop had failed")
        if self._consumer is not None:
            await self._consumer.stop()
