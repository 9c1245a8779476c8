"""Posts one alert to one subscriber, signed per Standard Webhooks: one attempt, timed.

`webhook-id` is the alert id, the same on every retry, so a subscriber can
de-duplicate. Retries, backoff and the delivery log belong to the dispatcher.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass

import httpx

from budget_monitor.adapters.network_guard import NetworkGuard, RefusedAddressError
from budget_monitor.adapters.webhook_signing import webhook_headers
from budget_monitor.domain import Subscription

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    backoff_s: float = 0.5
    backoff_max_s: float = 60.0

    def delay(self, attempt: int) -> float:
        """Before retry `attempt` (1-based): exponential, capped, with "equal jitter"."""
        ceiling = min(self.backoff_max_s, self.backoff_s * float(2 ** min(attempt - 1, 30)))
        return float(ceiling / 2 + random.uniform(0, ceiling / 2))


@dataclass(frozen=True)
class PostResult:
    outcome: str  # delivered, http_error, gone, network_error, refused
    status_code: int | None
    latency_ms: float
    error: str | None = None


class WebhookSender:
    def __init__(self, client: httpx.AsyncClient, guard: NetworkGuard, *, timeout_s: float) -> None:
        self.client = client
        self.guard = guard
        self.timeout_s = timeout_s

    async def post(self, sub: Subscription, alert_id: str, body: bytes) -> PostResult:
        started = time.perf_counter()

        def took() -> float:
            return round((time.perf_counter() - started) * 1000, 3)

        try:
            await self.guard.check(sub.url)
        except RefusedAddressError as exc:
            return PostResult("refused", None, took(), str(exc)[:256])
        headers = webhook_headers(sub.secret, alert_id, int(time.time()), body)
        try:
            answer = await self.client.post(
                sub.url, content=body, headers=headers, timeout=self.timeout_s
            )
        except httpx.HTTPError as exc:
            return PostResult("network_error", None, took(), type(exc).__name__)
        status = answer.status_code
        if 200 <= status < 300:
            return PostResult("delivered", status, took())
        return PostResult("gone" if status == 410 else "http_error", status, took())
