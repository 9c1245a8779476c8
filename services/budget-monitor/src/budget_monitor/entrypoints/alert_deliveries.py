"""Consumes `budget.alerts`: each alert queued for every subscription that wants it.

Queuing a partition's jobs and passing its offset is one atomic step in Redis, so
the consumer never waits on a subscriber: delivery (and its retries) happens in
the dispatcher, off the queue. Duplicate alerts (same alert_id) are queued once.
The process that raises an alert also queues it at once (`queue_now`), saving the
round trip through the topic; reading it back here then finds it queued or done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from aiokafka import TopicPartition
from pydantic import ValidationError

from budget_monitor.adapters.delivery_queue import RedisDeliveryQueue
from budget_monitor.service_layer.registry import Registry
from chargeback import codec
from chargeback.contracts import BudgetAlert
from chargeback.tracking import Fenced, Outcome, PartitionBatch, Poisoned


class AlertDeliveryHandler:
    """The alerts consumer's state for the shared consumer: the delivery queue."""

    def __init__(
        self, registry: Registry, queue: RedisDeliveryQueue, wake: Callable[[], None]
    ) -> None:
        self.registry = registry
        self.queue = queue
        self.wake = wake

    async def positions(self, partitions: Sequence[TopicPartition]) -> dict[TopicPartition, int]:
        return await self.queue.positions(partitions)

    async def apply(self, batches: Sequence[PartitionBatch]) -> dict[TopicPartition, Outcome]:
        outcomes: dict[TopicPartition, Outcome] = {}
        queued = 0
        for batch in batches:
            alerts = []
            for record in batch.records:
                try:
                    alerts.append(codec.decode(BudgetAlert, record.value))
                except (ValidationError, ValueError) as exc:
                    raise Poisoned(batch.tp, record.offset, exc) from exc
            position = (batch.tp.partition, batch.first, batch.next)
            added, stored = await self.queue.enqueue(position, self.jobs(alerts), _now_ms())
            queued += added
            if stored is not None:
                outcomes[batch.tp] = Fenced(stored)
        if queued:
            self.wake()
        return outcomes

    def jobs(self, alerts: list[BudgetAlert]) -> list[tuple[str, str, str]]:
        """(subscription, alert id, body) for every subscription each alert goes to."""
        subscriptions = self.registry.active_subscriptions()
        jobs = []
        for alert in alerts:
            body = codec.encode(alert).decode()
            jobs += [
                (sub.id, alert.alert_id, body)
                for sub in subscriptions
                if sub.wants(alert.budget_id, alert.scope)
            ]
        return jobs

    async def queue_now(self, alerts: list[BudgetAlert]) -> None:
        """Queue alerts just raised by this process, without waiting to read them back."""
        added, _ = await self.queue.enqueue(None, self.jobs(alerts), _now_ms())
        if added:
            self.wake()


def _now_ms() -> int:
    return int(time.time() * 1000)
