"""The Kafka-native path: validate what emitters produce to usage.ingest, like the HTTP API.

Valid new events go to usage.events, invalid ones to usage.rejected with their
reasons, duplicates are dropped; then the partitions' next offsets are stored behind
the fence. One attempt per batch: a broker or Redis outage raises, and the shared
consumer backs off and tries again from the stored positions (events already produced
are then caught as duplicates), so nothing is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiokafka import TopicPartition

from chargeback.clock import Clock, utc_now
from chargeback.contracts import Topics, UsageEvent
from chargeback.tracking import (
    ConsumerConfig,
    Fenced,
    Outcome,
    PartitionBatch,
    TrackingConsumer,
    Unavailable,
)
from metering import metrics
from metering.adapters.redis_offsets import RedisOffsets
from metering.domain.parsing import stamp_ingest_time
from metering.domain.ports import DedupStore, EventPublisher, PublishError, StoreUnavailable
from metering.domain.records import Refusal, judge_record
from metering.domain.time_bounds import TimeBounds
from metering.service_layer.ingest import DedupPolicy, EventsInFlight, NotEnqueued, ingest

GROUP_ID = "metering"
_UNAVAILABLE = (EventsInFlight, NotEnqueued, PublishError, StoreUnavailable)


class IngestValidator:
    """The validator's state for the shared consumer: dedup claims, and its positions."""

    def __init__(
        self,
        *,
        store: DedupStore,
        publisher: EventPublisher,
        offsets: RedisOffsets,
        policy: DedupPolicy,
        bounds: TimeBounds,
        clock: Clock = utc_now,
    ) -> None:
        self.store, self.publisher, self.offsets, self.policy = store, publisher, offsets, policy
        self.bounds, self.clock = bounds, clock

    async def positions(self, partitions: Sequence[TopicPartition]) -> dict[TopicPartition, int]:
        return await self.offsets.positions(partitions)

    async def apply(self, batches: Sequence[PartitionBatch]) -> dict[TopicPartition, Outcome]:
        now = self.clock()
        valid: list[UsageEvent] = []
        refused: list[Refusal] = []
        for batch in batches:
            for record in batch.records:
                outcome = judge_record(record.value, now, self.bounds, record.headers or ())
                (valid if isinstance(outcome, UsageEvent) else refused).append(outcome)
        events = stamp_ingest_time(valid, now)
        try:
            sorting = await ingest(
                events, store=self.store, publisher=self.publisher, policy=self.policy
            )
            if refused:
                await self.publisher.publish_rejections([r.rejected for r in refused])
        except _UNAVAILABLE as error:
            raise Unavailable(str(error)) from error
        fenced = await self.offsets.advance({b.tp: (b.first, b.next) for b in batches})
        metrics.ACCEPTED.labels("kafka").inc(len(sorting.new))
        metrics.DUPLICATES.labels("kafka").inc(len(sorting.duplicates))
        for refusal in refused:
            metrics.REFUSED.labels("kafka", refusal.kind).inc()
        return {tp: Fenced(stored) for tp, stored in fenced.items()}


def build_validator(
    bootstrap: str, validator: IngestValidator, *, session_timeout_ms: int = 10000
) -> TrackingConsumer:
    config = ConsumerConfig(
        bootstrap=bootstrap,
        topic=Topics.INGEST,
        group_id=GROUP_ID,
        stage="metering",
        session_timeout_ms=session_timeout_ms,
    )
    return TrackingConsumer(config, validator, metrics=metrics.CONSUMER)
