"""Delivers queued alerts to subscribers: due jobs claimed, posted concurrently, each
retried on its own schedule (exponential backoff with jitter), so one subscriber
that is down or slow holds up nobody else's alerts.

A 2xx marks the job delivered; 410 Gone disables the subscription and drops its
jobs; anything else (or no answer within the timeout) is tried again later, until
the job is older than `max_age_s`. Every attempt goes to the delivery log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from budget_monitor.adapters.delivery_queue import Job, RedisDeliveryQueue
from budget_monitor.adapters.sql import DeliveryAttempt, SqlSubscriptions
from budget_monitor.adapters.webhook_sender import PostResult, RetryPolicy, WebhookSender
from budget_monitor.metrics import WEBHOOK_DELIVERIES, WEBHOOK_FAILURES
from budget_monitor.service_layer.registry import Registry

log = logging.getLogger(__name__)


def now_ms() -> int:
    return int(time.time() * 1000)


class Dispatcher:
    def __init__(
        self,
        queue: RedisDeliveryQueue,
        sender: WebhookSender,
        registry: Registry,
        store: SqlSubscriptions,
        policy: RetryPolicy,
        *,
        lease_s: float,
        max_age_s: float,
        on_change: Callable[[], Awaitable[None]],
        per_subscription: int = 4,
        max_in_flight: int = 64,
        idle_s: float = 0.5,
    ) -> None:
        self.queue, self.sender, self.registry, self.store = queue, sender, registry, store
        self.policy = policy
        self.lease_ms, self.max_age_ms = int(lease_s * 1000), int(max_age_s * 1000)
        self.on_change = on_change
        self.per_subscription, self.max_in_flight, self.idle_s = (
            per_subscription,
            max_in_flight,
            idle_s,
        )
        self.in_flight: Counter[str] = Counter()
        self.tasks: set[asyncio.Task[None]] = set()
        self.log_buffer: list[DeliveryAttempt] = []
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                started = await self.start_due()
                await self.flush_log()
            except Exception:
                log.exception("delivery round failed")
                started = 0
            if not started:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.idle_s)

    async def start_due(self) -> int:
        room = self.max_in_flight - sum(self.in_flight.values())
        if room <= 0:
            return 0
        now = now_ms()
        chosen, counts = [], Counter(self.in_flight)
        for member in await self.queue.due(now, limit=1000):
            sub = member.partition(" ")[0]
            if counts[sub] < self.per_subscription:
                chosen.append(member)
                counts[sub] += 1
                if len(chosen) == room:
                    break
        jobs = await self.queue.claim(chosen, now, self.lease_ms)
        for job in jobs:
            self.in_flight[job.subscription_id] += 1
            task = asyncio.create_task(self.deliver(job))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        return len(jobs)

    async def deliver(self, job: Job) -> None:
        try:
            await self._deliver(job)
        except Exception:
            log.exception("delivery of %s failed; its lease will let it be retried", job.alert_id)
        finally:
            self.in_flight[job.subscription_id] -= 1
            self.wake()

    async def _deliver(self, job: Job) -> None:
        sub = self.registry.subscription(job.subscription_id)
        if sub is None:  # made a moment ago by another process?
            await self.registry.refresh()
            sub = self.registry.subscription(job.subscription_id)
        if sub is None or not sub.enabled:
            await self.queue.drop(job)
            return
        if now_ms() - job.created_ms > self.max_age_ms:
            await self.queue.drop(job)
            self._record(job, PostResult("expired", None, 0.0, "older than the maximum age"))
            WEBHOOK_FAILURES.inc()
            return
        result = await self.sender.post(sub, job.alert_id, job.body)
        WEBHOOK_DELIVERIES.labels(result.outcome).inc()
        if result.outcome == "delivered":
            await self.queue.delivered(job)
        elif result.outcome == "gone":
            await self.disable(job.subscription_id)
        else:
            await self.queue.retry_at(
                job, now_ms() + int(self.policy.delay(job.attempts + 1) * 1000)
            )
            log.warning(
                "webhook %s: %s %s; retrying",
                job.subscription_id,
                result.outcome,
                result.status_code or result.error,
                extra={"alert_id": job.alert_id, "attempt": job.attempts + 1},
            )
        self._record(job, result)

    async def disable(self, sub_id: str) -> None:
        """410 Gone: the subscriber asked not to be sent anything more."""
        reason = f"410 Gone at {datetime.now(UTC).isoformat(timespec='seconds')}"
        await asyncio.to_thread(self.store.set_enabled, sub_id, False, reason)
        dropped = await self.queue.drop_subscription(sub_id)
        log.warning(
            "subscription %s disabled (410 Gone); %d queued alerts dropped", sub_id, dropped
        )
        await self.on_change()

    def _record(self, job: Job, result: PostResult) -> None:
        stamp = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        self.log_buffer.append(
            DeliveryAttempt(
                job.subscription_id,
                job.alert_id,
                job.attempts + 1,
                result.outcome,
                result.status_code,
                result.error,
                result.latency_ms,
                stamp,
            )
        )

    async def flush_log(self) -> None:
        if self.log_buffer:
            batch, self.log_buffer = self.log_buffer, []
            await asyncio.to_thread(self.store.log, batch)

    async def stop(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self.flush_log()
