"""Alerts in Redis: the pending outbox, once-only raised marks, the capped recent list."""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

from budget_monitor.adapters import redis_keys as keys
from budget_monitor.adapters.lua import MARK_RAISED, RECORD_MISSED

RAISED_TTL_S = 400 * 86400  # longer than any period an alert can belong to


class RedisAlertStore:
    def __init__(self, redis: Redis, *, recent_cap: int) -> None:
        self.redis = redis
        self.recent_cap = recent_cap
        self._mark_raised = redis.register_script(MARK_RAISED)
        self._record_missed = redis.register_script(RECORD_MISSED)

    async def pending(self, alert_ids: Sequence[str] | None = None) -> dict[str, str]:
        """Alerts crossed but not yet confirmed published (all, or those of `alert_ids`)."""
        if alert_ids is None:
            found = await self.redis.hgetall(keys.PENDING_ALERTS)
            return {str(k): str(v) for k, v in found.items()}
        if not alert_ids:
            return {}
        values = await self.redis.hmget(keys.PENDING_ALERTS, list(alert_ids))
        return {i: str(v) for i, v in zip(alert_ids, values, strict=True) if v is not None}

    async def pending_count(self) -> int:
        return int(await self.redis.hlen(keys.PENDING_ALERTS))

    async def mark_raised(self, alert_id: str, raw: str) -> bool:
        """Record a published alert as raised; True the first time only."""
        answer = await self._mark_raised(
            keys=[keys.raised(alert_id), keys.PENDING_ALERTS, keys.RECENT_ALERTS],
            args=[alert_id, raw, RAISED_TTL_S, self.recent_cap, keys.LIVE_ALERTS],
        )
        return bool(int(answer))

    async def not_raised(self, alert_ids: Sequence[str]) -> list[str]:
        """Those of `alert_ids` neither raised nor pending."""
        if not alert_ids:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for alert_id in alert_ids:
                pipe.exists(keys.raised(alert_id))
                pipe.hexists(keys.PENDING_ALERTS, alert_id)
            found = await pipe.execute()
        return [a for i, a in enumerate(alert_ids) if not found[2 * i] and not found[2 * i + 1]]

    async def record_missed(self, alerts: Sequence[tuple[str, str]]) -> int:
        """Make (alert id, json) pending unless raised or pending already; how many were."""
        if not alerts:
            return 0
        redis_keys = [keys.PENDING_ALERTS, *(keys.raised(alert_id) for alert_id, _ in alerts)]
        args = [part for pair in alerts for part in pair]
        return int(await self._record_missed(keys=redis_keys, args=args))

    async def recent(self) -> list[str]:
        """Raised alerts, newest first (at most `recent_cap`)."""
        return [str(v) for v in await self.redis.lrange(keys.RECENT_ALERTS, 0, self.recent_cap - 1)]
