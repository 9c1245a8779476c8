"""Redis pub/sub, one connection per process: live alerts for the SSE feed, and
notices that budgets or subscriptions changed (so every worker reloads at once)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from budget_monitor.adapters import redis_keys as keys

log = logging.getLogger(__name__)
QUEUE_SIZE = 1000  # alerts a slow SSE client may be behind before it loses the oldest


async def announce_change(redis: Redis, revision: int) -> None:
    await redis.publish(keys.CONFIG_CHANGED, str(revision))


class LiveHub:
    def __init__(self, redis: Redis, on_change: Callable[[], Awaitable[object]]) -> None:
        self.redis = redis
        self.on_change = on_change
        self.listeners: set[asyncio.Queue[str]] = set()
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    def listen(self) -> asyncio.Queue[str]:
        queue: asyncio.Queue[str] = asyncio.Queue(QUEUE_SIZE)
        self.listeners.add(queue)
        return queue

    def forget(self, queue: asyncio.Queue[str]) -> None:
        self.listeners.discard(queue)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="live-hub")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.connected.wait(), timeout=5)

    async def _run(self) -> None:
        while True:
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.subscribe(keys.LIVE_ALERTS, keys.CONFIG_CHANGED)
                    self.connected.set()
                    await self._relay(pubsub)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("pub/sub connection lost; reconnecting")
                self.connected.clear()
                await asyncio.sleep(1)

    async def _relay(self, pubsub: object) -> None:
        async for message in pubsub.listen():  # type: ignore[attr-defined]
            if message.get("type") != "message":
                continue
            if message["channel"] == keys.CONFIG_CHANGED:
                try:
                    await self.on_change()
                except Exception:
                    log.exception("reload after a change notice failed")
                continue
            for queue in list(self.listeners):
                if queue.full():
                    queue.get_nowait()  # a client this far behind loses the oldest
                queue.put_nowait(str(message["data"]))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
