"""The background work of the budget monitor: two consumers, the delivery dispatcher,
the alert outbox retry and the sweep for crossings no charge made."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field

import httpx
from aiokafka import AIOKafkaProducer

from budget_monitor.adapters.alert_outbox import AlertOutbox
from budget_monitor.adapters.alert_store import RedisAlertStore
from budget_monitor.adapters.spend_store import RedisSpendStore
from budget_monitor.metrics import DELIVERIES_QUEUED
from budget_monitor.service_layer.dispatcher import Dispatcher
from budget_monitor.service_layer.registry import Registry
from budget_monitor.service_layer.sweep import sweep
from budget_monitor.settings import BudgetMonitorSettings
from chargeback.clock import Clock, utc_now
from chargeback.tracking import TrackingConsumer

log = logging.getLogger(__name__)
GROUP = "budget-monitor"
WEBHOOK_GROUP = "budget-monitor-webhooks"


@dataclass
class Workers:
    settings: BudgetMonitorSettings
    registry: Registry
    spend: RedisSpendStore
    alerts: RedisAlertStore
    producer: AIOKafkaProducer
    http: httpx.AsyncClient
    outbox: AlertOutbox
    dispatcher: Dispatcher
    clock: Clock = utc_now
    consumers: tuple[TrackingConsumer, ...] = ()
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    sweep_requested: asyncio.Event = field(default_factory=asyncio.Event)

    started: float = field(default_factory=time.monotonic)

    @property
    def running(self) -> bool:
        return all(c.running for c in self.consumers) and all(not t.done() for t in self.tasks)

    @property
    def consuming(self) -> bool:
        """Every consumer has its partitions (a worker left without any, because others
        hold them all, counts as consuming once a few rebalances' time has passed)."""
        grace_s = 2 * self.settings.consumer_session_timeout_ms / 1000 + 5
        return all(c.position for c in self.consumers) or (
            time.monotonic() - self.started > grace_s
        )

    def request_sweep(self) -> None:
        self.sweep_requested.set()

    async def retry_outbox(self) -> None:
        """Raise alerts left pending (the broker was away, or the process died mid-way)."""
        while True:
            with contextlib.suppress(Exception):
                await self.outbox.flush()
                DELIVERIES_QUEUED.set(await self.dispatcher.queue.size())
            await asyncio.sleep(self.settings.outbox_interval_s)

    async def sweep_now_and_then(self) -> None:
        while True:
            try:
                raised = await sweep(
                    self.registry.book,
                    self.spend,
                    self.alerts,
                    self.outbox,
                    min_elapsed_percent=self.settings.forecast_min_elapsed_percent,
                    now=self.clock(),
                )
                if raised:
                    log.info("sweep raised %d alerts no charge had crossed", raised)
            except Exception:
                log.exception("sweep failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self.sweep_requested.wait(), timeout=self.settings.sweep_interval_s
                )
            self.sweep_requested.clear()

    def spawn(self, work: Awaitable[None], name: str) -> None:
        self.tasks.append(asyncio.create_task(work, name=name))  # type: ignore[arg-type]

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.dispatcher.stop()
        for consumer in self.consumers:
            await consumer.stop()
        await self.producer.stop()
        await self.http.aclose()
