"""Consumes `budget.alerts`: each alert queued for every subscription that wants it.

Queuing a partition's jobs and passing its offset is one atomic step in Redis, so
the consumer never waits on a subscriber: delivery (and its retries) happens in
the dispatcher, off the queue. Duplicate alerts (same alert_id) are queued once.
The process that raises an alert also queues it at once (`queue_now`), saving the
round trip through the topic; reading it back here then finds it queued or done.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord
from pydantic import ValidationError

from budget_monitor.adapters.delivery_queue import RedisDeliveryQueue
from budget_monitor.service_layer.registry import Registry
from chargeback import codec
from chargeback.contracts import BudgetAlert

log = logging.getLogger(__name__)


class AlertDeliveryHandler:
    def __init__(
        self, registry: Registry, queue: RedisDeliveryQueue, wake: Callable[[], None]
    ) -> None:
        self.registry = registry
        self.queue = queue
        self.wake = wake

    async def __call__(
        self, batch: dict[TopicPartition, list[ConsumerRecord]]
    ) -> dict[TopicPartition, int]:
        unfinished: dict[TopicPartition, int] = {}
        queued = 0
        for tp, records in batch.items():
            alerts = []
            for record in records:
                try:
                    alerts.append(codec.decode(BudgetAlert, record.value))
                except (ValidationError, ValueError) as exc:
                    log.error("alert at offset %s unreadable: %s", record.offset, exc)
            jobs = self.jobs(alerts)
            try:
                now_ms = int(time.time() * 1000)
                queued += await self.queue.enqueue(
                    tp.partition, records[-1].offset + 1, jobs, now_ms
                )
            except Exception:  # Redis away: fetch again; queued jobs are not queued twice
                log.exception(
                    "alerts not queued; fetching again", extra={"partition": tp.partition}
                )
                unfinished[tp] = records[0].offset
        if queued:
            self.wake()
        return unfinished

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
        if await self.queue.enqueue(None, 0, self.jobs(alerts), int(time.time() * 1000)):
            self.wake()
