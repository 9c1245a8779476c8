"""Raising alerts: publish each pending alert to `budget.alerts`, then mark it raised.

The pending entry is written atomically with the spend that crossed the threshold,
so a crash never loses an alert. A crash between the broker's ack and the raised
mark publishes it twice; consumers de-duplicate by its deterministic alert_id.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from budget_monitor.adapters.alert_store import RedisAlertStore
from budget_monitor.metrics import ALERTS_PENDING, ALERTS_RAISED
from chargeback import codec
from chargeback.contracts import BudgetAlert

log = logging.getLogger(__name__)


class AlertPublisher(Protocol):
    async def publish(self, alert: BudgetAlert, raw: bytes) -> None:
        """Returns once the broker has the alert."""


RaisedHook = Callable[[list[BudgetAlert]], Awaitable[None]]


class AlertOutbox:
    def __init__(
        self,
        store: RedisAlertStore,
        publisher: AlertPublisher,
        on_raised: RaisedHook | None = None,
    ) -> None:
        self.store = store
        self.publisher = publisher
        # Called with the alerts just raised, to start their delivery at once instead of
        # after reading them back from budget.alerts (which still queues what this misses).
        self.on_raised = on_raised
        self._lock = asyncio.Lock()  # the consumer and the periodic retry take turns

    async def flush(self, alert_ids: Sequence[str] | None = None) -> int:
        """Publish pending alerts (all, or those named); how many were newly raised."""
        raised: list[BudgetAlert] = []
        async with self._lock:
            for alert_id, raw, alert in _in_crossing_order(await self.store.pending(alert_ids)):
                try:
                    await self.publisher.publish(alert, raw.encode())
                except Exception as exc:  # the broker is away: stays pending, retried later
                    log.warning("alert not published yet: %s", exc, extra={"alert_id": alert_id})
                    break
                if await self.store.mark_raised(alert_id, raw):
                    raised.append(alert)
                    ALERTS_RAISED.labels(alert.basis).inc()
                    log.info(
                        "budget %s crossed %s %% in %s",
                        alert.budget_id,
                        alert.threshold_percent,
                        alert.period,
                        extra={
                            "budget_id": alert.budget_id,
                            "alert_id": alert_id,
                            "event_id": alert.triggered_by_event_id,
                        },
                    )
            ALERTS_PENDING.set(await self.store.pending_count())
        if raised and self.on_raised is not None:
            try:
                await self.on_raised(raised)
            except Exception:  # the budget.alerts consumer queues them all the same
                log.exception("alerts not queued for delivery yet")
        return len(raised)


def _in_crossing_order(pending: dict[str, str]) -> list[tuple[str, str, BudgetAlert]]:
    """Pending alerts oldest crossing first, so the recent list and the topic read newest-last."""
    decoded = [(alert_id, raw, codec.decode(BudgetAlert, raw)) for alert_id, raw in pending.items()]
    return sorted(decoded, key=lambda pending: pending[2].crossing_order)
