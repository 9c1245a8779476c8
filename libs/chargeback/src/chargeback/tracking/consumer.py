"""The tracking consumer: batches from Kafka, positions kept in the consumer's own store.

Kafka delivers at least once. A stage stores, in the same atomic write as the state a
batch changes, the position it has reached per partition (a tracking table in SQL, a
hash in Redis) behind the one fence rule (`batches.admits`). On every assignment the
consumer asks the store where to resume and seeks there, so a replay after a crash or
a rebalance starts at the first unapplied record and applies nothing twice. Offsets
committed to Kafka are only a courtesy for lag monitoring. Failures follow
`policy.FailurePolicy`; records that cannot be processed are quarantined.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.structs import ConsumerRecord

from chargeback.clock import Clock, utc_now
from chargeback.kafka import make_producer
from chargeback.metrics import ConsumerMetrics
from chargeback.tracking.batches import (
    APPLIED,
    Applied,
    Conflict,
    Failed,
    Fenced,
    PartitionBatch,
    Poisoned,
    Tracked,
)
from chargeback.tracking.policy import FailurePolicy
from chargeback.tracking.quarantine import DeadLetters, DeadLetterSink, dead_letter

log = logging.getLogger(__name__)


@dataclass
class ConsumerConfig:
    bootstrap: str
    topic: str
    group_id: str
    stage: str  # who quarantines, in dead letters: metering, rating, billing, budget-monitor
    max_records: int = 5000
    poll_timeout_ms: int = 200
    session_timeout_ms: int = 10000
    policy: FailurePolicy = field(default_factory=FailurePolicy)


class _Interrupted(Exception):
    """Isolation stopped: the store moved on or did not answer; resume from its positions."""


class _SeekToStored(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, owner: TrackingConsumer) -> None:
        self.owner = owner

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        for tp in revoked:  # another worker reports their lag now
            self.owner.highwater.pop(tp, None)
            self.owner.position.pop(tp, None)
        self.owner.forget_tries(revoked)

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        if not assigned:
            return
        try:
            stored = await self.owner.tracked.positions(list(assigned))
        except Exception as error:
            # Start where Kafka says; the fence refuses the first batch if that is not where
            # the store is, and the consumer then seeks to the stored position.
            log.warning("stored positions unreadable at assignment: %s", error)
            return
        # Nothing stored: nothing applied yet, start at the beginning (committed Kafka
        # offsets are not trusted, and the embedded broker answers LATEST wrongly).
        self.owner.seek({tp: stored.get(tp, 0) for tp in assigned})
        shown = {f"{tp.topic}[{tp.partition}]": stored.get(tp, 0) for tp in assigned}
        log.info("assigned %s", shown)


class TrackingConsumer:
    """Polls batches and hands them, per partition, to the stage's `Tracked` state."""

    def __init__(
        self,
        config: ConsumerConfig,
        tracked: Tracked,
        *,
        metrics: ConsumerMetrics | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.config = config
        self.tracked = tracked
        self.metrics = metrics
        self.clock = clock
        self.policy = config.policy
        self._consumer: AIOKafkaConsumer | None = None
        self._producer: AIOKafkaProducer | None = None
        self._task: asyncio.Task[None] | None = None
        self._tries: dict[tuple[TopicPartition, int], int] = {}
        self._quarantined_in_a_row = 0  # with no record applied in between
        self.dead_letters: DeadLetterSink | None = None  # made at start (a producer)
        self.highwater: dict[TopicPartition, int] = {}
        self.position: dict[TopicPartition, int] = {}  # where the next batch starts

    async def start(self) -> None:
        self._producer = make_producer(self.config.bootstrap)
        await self._producer.start()
        self.dead_letters = DeadLetters(self._producer)
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
        consumer.subscribe([self.config.topic], listener=_SeekToStored(self))
        self._consumer = consumer
        self._task = asyncio.create_task(self._run(), name=f"consume-{self.config.topic}")
        if self.metrics is not None:
            self.metrics.lag.watch(self)

    def seek(self, positions: dict[TopicPartition, int]) -> None:
        """Fetch these partitions from these offsets next (those still assigned)."""
        for tp, offset in positions.items():
            if self._consumer is None:  # not started: only where the next batch begins
                self.position[tp] = offset
            elif tp in self._consumer.assignment():
                self._consumer.seek(tp, offset)
                self.position[tp] = offset

    async def _run(self) -> None:
        assert self._consumer is not None
        while True:
            fetched = await self._consumer.getmany(
                timeout_ms=self.config.poll_timeout_ms, max_records=self.config.max_records
            )
            batches = [self._batch(tp, records) for tp, records in fetched.items() if records]
            if batches:
                await self._process(batches)
            self._note_lag()

    def _batch(self, tp: TopicPartition, records: Sequence[ConsumerRecord]) -> PartitionBatch:
        """From where this consumer fetched (records before the first do not exist)."""
        first = min(self.position.get(tp, records[0].offset), records[0].offset)
        return PartitionBatch(tp, first, records[-1].offset + 1, records)

    def forget_tries(self, partitions: Sequence[TopicPartition]) -> None:
        for key in [key for key in self._tries if key[0] in partitions]:
            del self._tries[key]

    async def _process(self, batches: Sequence[PartitionBatch]) -> None:
        try:
            answers = await self.tracked.apply(batches)
        except Poisoned as poisoned:
            await self._poisoned(batches, poisoned)
            return
        except Exception as error:  # the whole call failed: the policy decides
            await self._failed(batches, error)
            return
        failed: list[tuple[PartitionBatch, Exception]] = []
        applied: dict[TopicPartition, int] = {}
        for batch in batches:
            outcome = answers.get(batch.tp, APPLIED)
            if isinstance(outcome, Applied):
                self._advance(batch)
                applied[batch.tp] = batch.next
            elif isinstance(outcome, Fenced):
                self._count(batch, "fenced")
                self.seek({batch.tp: outcome.stored})
            elif isinstance(outcome, Conflict):
                self._count(batch, "conflict")
                self.seek({batch.tp: batch.first})
            else:
                failed.append((batch, outcome.error))
        await self._courtesy_commit(applied)
        for batch, error in failed:
            await self._failed([batch], error)
        if not failed:
            self.policy.recovered()

    def _advance(self, batch: PartitionBatch) -> None:
        self.position[batch.tp] = batch.next
        self._tries.pop((batch.tp, batch.first), None)
        if batch.records:
            self._quarantined_in_a_row = 0

    @property
    def failing(self) -> bool:
        """Records keep failing one after another: the stage, not the data, is at fault."""
        return self._quarantined_in_a_row >= self.policy.max_quarantined_in_a_row

    async def _failed(self, batches: Sequence[PartitionBatch], error: Exception) -> None:
        if self.policy.is_transient(error):
            self._count(batches[0], "unavailable")
            log.warning("%s: a part did not answer; backing off: %s", self.config.stage, error)
            await self._rewind(batches)
            return
        if self.failing:  # waited out like an outage, until a record is applied again
            self._count(batches[0], "failed")
            log.critical(
                "%s: %d records in a row could not be processed; not setting more aside "
                "until one is applied: %s: %s",
                self.config.stage,
                self._quarantined_in_a_row,
                type(error).__name__,
                error,
            )
            await self._rewind(batches)
            return
        self._count(batches[0], "failed")
        log.error("batch failed: %s: %s", type(error).__name__, error, exc_info=error)
        exhausted = []
        for batch in batches:
            key = (batch.tp, batch.first)
            self._tries[key] = self._tries.get(key, 0) + 1
            if self._tries[key] >= self.policy.max_tries:
                exhausted.append(batch)
        try:
            for batch in exhausted:
                if len(batches) == 1:  # this partition alone failed max_tries times
                    await self._isolate(batch, error)
                else:  # which partition of the call failed is not known: each alone
                    await self._settle(batch)
        except _Interrupted:
            pass
        unfinished = [b for b in batches if self.position.get(b.tp) != b.next]
        if unfinished:
            await self._rewind(unfinished)
        else:
            self.policy.recovered()

    async def _poisoned(self, batches: Sequence[PartitionBatch], poisoned: Poisoned) -> None:
        """A record the stage says it can never process: what precedes it is applied, it is
        quarantined at once (no tries: retrying cannot help), and the rest fetched again."""
        batch = next((b for b in batches if b.tp == poisoned.tp), None)
        at = (
            [i for i, r in enumerate(batch.records) if r.offset == poisoned.offset] if batch else []
        )
        if batch is None or not at:
            await self._failed(batches, poisoned.cause)  # not a record of this call
            return
        i = at[0]
        try:
            if i > 0:
                before = PartitionBatch(
                    batch.tp, batch.first, batch.records[i].offset, batch.records[:i]
                )
                await self._settle(before)
            start = self.position.get(batch.tp, batch.first)
            record = batch.records[i]
            bad = PartitionBatch(batch.tp, start, record.offset + 1, [record])
            await self._quarantine(bad, poisoned.cause)
        except _Interrupted:
            await self._rewind(batches)
            return
        self.seek({b.tp: self.position.get(b.tp, b.first) for b in batches})

    async def _rewind(self, batches: Sequence[PartitionBatch]) -> None:
        """Back to what the store holds, after a pause (no hot loop on a failing part)."""
        await asyncio.sleep(self.policy.next_pause())
        try:
            stored = await self.tracked.positions([b.tp for b in batches])
        except Exception:
            log.warning("stored positions unreadable; fetching the same batches again")
            stored = {}
        self.seek({b.tp: stored.get(b.tp, b.first) for b in batches})

    async def _settle(self, batch: PartitionBatch) -> None:
        """Apply a batch alone; if it fails on its data, find and quarantine what fails."""
        start = self.position.get(batch.tp, batch.first)
        batch = PartitionBatch(batch.tp, start, batch.next, batch.records)
        try:
            outcome = (await self.tracked.apply([batch])).get(batch.tp, APPLIED)
        except Exception as failure:
            outcome = Failed(failure)
        if isinstance(outcome, Applied):
            self._advance(batch)
        elif isinstance(outcome, Failed) and not self.policy.is_transient(outcome.error):
            await self._isolate(batch, outcome.error)
        else:
            raise _Interrupted

    async def _isolate(self, batch: PartitionBatch, error: Exception) -> None:
        """A batch known to fail: quarantine it if it is one record, else settle each half."""
        if len(batch.records) == 1:
            await self._quarantine(batch, error)
            return
        for half in batch.split():
            await self._settle(half)

    async def _quarantine(self, batch: PartitionBatch, error: Exception) -> None:
        if self.failing:
            raise _Interrupted
        (record,) = batch.records
        letter = dead_letter(self.config.stage, record, error, self.clock())
        assert self.dead_letters is not None, "started"
        try:
            await self.dead_letters.publish(letter, record.key)
            outcome = (await self.tracked.apply([batch.moved_past()])).get(batch.tp, APPLIED)
        except Exception as failure:
            log.warning("quarantine of offset %s not done yet: %s", record.offset, failure)
            raise _Interrupted from failure
        if not isinstance(outcome, Applied):
            raise _Interrupted
        self._advance(batch.moved_past())
        self._quarantined_in_a_row += 1
        if self.metrics is not None:
            self.metrics.quarantined.labels(batch.tp.topic).inc()
        log.error(
            "record quarantined to usage.rejected: %s: %s",
            type(error).__name__,
            error,
            extra={
                "event_id": letter.event_id,
                "topic": batch.tp.topic,
                "partition": batch.tp.partition,
                "offset": record.offset,
            },
        )

    def _count(self, batch: PartitionBatch, cause: str) -> None:
        if self.metrics is not None:
            self.metrics.retries.labels(batch.tp.topic, cause).inc()

    def _note_lag(self) -> None:
        assert self._consumer is not None
        for tp in self._consumer.assignment():
            high = self._consumer.highwater(tp)
            if high is not None:
                self.highwater[tp] = high

    async def _courtesy_commit(self, positions: dict[TopicPartition, int]) -> None:
        """Offsets committed to Kafka for lag tools; the store remains the truth."""
        if not positions or self._consumer is None:
            return
        try:
            await self._consumer.commit(positions)
        except Exception as exc:  # a rebalance in between
            log.debug("offset commit skipped: %s", exc)

    def lag(self) -> dict[TopicPartition, int]:
        """Records behind the high watermark, per assigned partition."""
        return {tp: max(0, high - self.position.get(tp, 0)) for tp, high in self.highwater.items()}

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        if self.metrics is not None:
            self.metrics.lag.forget(self)
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
        if self._producer is not None:
            await self._producer.stop()
