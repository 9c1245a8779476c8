"""The Kafka-native path: validate what emitters produce to usage.ingest, like the HTTP API.

Valid new events go to usage.events, invalid ones to usage.rejected with their
reasons, duplicates are dropped; then the partitions' next offsets are stored.
Each step is retried until it succeeds, so a broker or Redis outage pauses the
validator instead of skipping records.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from chargeback.clock import Clock, utc_now
from chargeback.consumer import BatchConsumer, ConsumerConfig
from chargeback.contracts import Topics, UsageEvent
from metering import metrics
from metering.adapters.redis_offsets import RedisOffsets
from metering.domain.parsing import stamp_ingest_time
from metering.domain.ports import DedupStore, EventPublisher, PublishError, StoreUnavailable
from metering.domain.records import Refusal, judge_record
from metering.domain.time_bounds import TimeBounds
from metering.service_layer.ingest import DedupPolicy, EventsInFlight, NotEnqueued, ingest

log = logging.getLogger(__name__)
T = TypeVar("T")
GROUP_ID = "metering"
_RETRYABLE = (EventsInFlight, NotEnqueued, PublishError, StoreUnavailable, OSError)


class IngestValidator:
    def __init__(
        self,
        *,
        store: DedupStore,
        publisher: EventPublisher,
        offsets: RedisOffsets,
        policy: DedupPolicy,
        bounds: TimeBounds,
        clock: Clock = utc_now,
        retry_s: float = 1.0,
    ) -> None:
        self.store, self.publisher, self.offsets = store, publisher, offsets
        self.policy, self.bounds, self.clock, self.retry_s = policy, bounds, clock, retry_s

    async def handle(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        now = self.clock()
        valid: list[UsageEvent] = []
        refused: list[Refusal] = []
        for records in batch.values():
            for record in records:
                outcome = judge_record(record.value, now, self.bounds)
                (valid if isinstance(outcome, UsageEvent) else refused).append(outcome)
        events = stamp_ingest_time(valid, now)
        sorting = await self._until_done(
            lambda: ingest(events, store=self.store, publisher=self.publisher, policy=self.policy)
        )
        if refused:
            await self._until_done(
                lambda: self.publisher.publish_rejections([r.rejected for r in refused])
            )
        await self._until_done(
            lambda: self.offsets.save({tp: records[-1].offset + 1 for tp, records in batch.items()})
        )
        metrics.ACCEPTED.labels("kafka").inc(len(sorting.new))
        metrics.DUPLICATES.labels("kafka").inc(len(sorting.duplicates))
        for refusal in refused:
            metrics.REFUSED.labels("kafka", refusal.kind).inc()

    async def _until_done(self, step: Callable[[], Awaitable[T]]) -> T:
        while True:
            try:
                return await step()
            except _RETRYABLE as exc:
                log.warning("validator step failed, retrying: %s", exc)
                await asyncio.sleep(self.retry_s)


def build_validator(
    bootstrap: str, validator: IngestValidator, *, session_timeout_ms: int = 10000
) -> BatchConsumer:
    config = ConsumerConfig(
        bootstrap=bootstrap,
        topic=Topics.INGEST,
        group_id=GROUP_ID,
        session_timeout_ms=session_timeout_ms,
    )
    consumer = BatchConsumer(
        config,
        positions=validator.offsets.positions,
        handle=validator.handle,
        lag_metric=metrics.CONSUMER_LAG,
    )
    return consumer
