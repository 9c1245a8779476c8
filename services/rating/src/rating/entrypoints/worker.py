"""The rating worker: `usage.events` through the shared batch consumer, each batch rated once.

Not Faust: on the embedded broker a Faust stream tops out below the throughput rating
needs and its fixed 1.5 s fetch wait adds latency to every event (see the README).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from aiokafka import AIOKafkaProducer, TopicPartition

from chargeback.clock import Clock, utc_now
from chargeback.contracts import Topics
from chargeback.kafka import ensure_topics
from chargeback.tracking import ConsumerConfig, Outcome, PartitionBatch, TrackingConsumer
from rating import metrics
from rating.adapters.kafka_publisher import KafkaPublisher
from rating.adapters.redis_state import RedisRatingStore
from rating.service_layer.rate_batch import BatchReport, rate_batch
from terms.service_layer.registry import PriceBookRegistry

GROUP_ID = "rating"
MAX_BATCH = 5000

log = logging.getLogger(__name__)


class RatingWorker:
    """The rating stage: its state (`Tracked` for the shared consumer) and its producer."""

    def __init__(
        self,
        *,
        bootstrap: str,
        store: RedisRatingStore,
        producer: Callable[[], AIOKafkaProducer],
        registry: PriceBookRegistry,
        clock: Clock = utc_now,
    ) -> None:
        self.bootstrap = bootstrap
        self.store = store
        self.make_producer = producer  # aiokafka objects are made on the running loop
        self.producer: AIOKafkaProducer | None = None
        self.registry = registry
        self.clock = clock
        self.assigned = False
        self.publisher: KafkaPublisher | None = None
        config = ConsumerConfig(
            bootstrap, Topics.EVENTS, GROUP_ID, stage="rating", max_records=MAX_BATCH
        )
        self.consumer = TrackingConsumer(config, self, metrics=metrics.CONSUMER, clock=clock)

    async def start(self) -> None:
        await ensure_topics(self.bootstrap)
        await self.registry.reload()
        self.producer = self.make_producer()
        await self.producer.start()
        self.publisher = KafkaPublisher(self.producer)
        await self.consumer.start()

    async def stop(self) -> None:
        await self.consumer.stop()
        if self.producer is not None:
            await self.producer.stop()

    @property
    def ready(self) -> bool:
        """Consuming, and past its first partition assignment."""
        return self.consumer.running and self.assigned

    async def positions(self, assigned: Sequence[TopicPartition]) -> dict[TopicPartition, int]:
        stored = await self.store.positions([tp.partition for tp in assigned])
        self.assigned = True
        return {tp: stored[tp.partition] for tp in assigned if tp.partition in stored}

    async def apply(self, batches: Sequence[PartitionBatch]) -> dict[TopicPartition, Outcome]:
        assert self.publisher is not None, "started"
        started = time.perf_counter()
        report = await rate_batch(
            batches,
            store=self.store,
            publisher=self.publisher,
            catalogs=self.registry,
            rated_at=self.clock(),
        )
        record_metrics(report, time.perf_counter() - started, self.clock())
        metrics.PRICE_BOOK_GENERATION.set(self.registry.generation)
        by_partition = {batch.tp.partition: batch.tp for batch in batches}
        return {by_partition[p]: outcome for p, outcome in report.outcomes.items()}


def record_metrics(report: BatchReport, seconds: float, published_at: datetime) -> None:
    """Only what was applied counts, so consumed = rated + rejected holds exactly."""
    if not report.applied:
        return
    size = 0
    for result in report.applied.values():
        size += len(result.charges) + sum(result.rejected.values())
        metrics.EVENTS_RATED.inc(len(result.charges))
        for reason, count in result.rejected.items():
            metrics.EVENTS_REJECTED.labels(reason).inc(count)
        for charge in result.charges:
            if charge.ingested_at is not None:
                lag = (published_at - charge.ingested_at).total_seconds()
                metrics.RATING_LATENCY.observe(max(lag, 0.0))
    metrics.EVENTS_CONSUMED.inc(size)
    metrics.BATCH_SIZE.observe(size)
    metrics.BATCH_SECONDS.observe(seconds)
