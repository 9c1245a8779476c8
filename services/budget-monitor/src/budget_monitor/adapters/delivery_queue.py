"""The durable per-subscription delivery queue in Redis.

Each (subscription, alert) is a job hash plus a member of one sorted set scored by
when it is next due. The alerts consumer queues a partition's jobs and moves its
position in one Lua step, so an alert is queued before its offset is passed and
never queued twice. A worker claims due jobs by pushing their score to a lease
end; one that dies mid-way leaves them to be claimed again when the lease ends.
Delivered jobs leave a mark, so a replayed alert is not delivered again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import TopicPartition
from redis.asyncio import Redis

from budget_monitor.adapters import redis_keys as keys
from budget_monitor.adapters.lua import CLAIM, ENQUEUE

DELIVERED_TTL_S = 90 * 86400


@dataclass(frozen=True)
class Job:
    subscription_id: str
    alert_id: str
    body: bytes
    attempts: int
    created_ms: int

    @property
    def member(self) -> str:
        return member(self.subscription_id, self.alert_id)


def member(subscription_id: str, alert_id: str) -> str:
    return f"{subscription_id} {alert_id}"


class RedisDeliveryQueue:
    def __init__(self, redis: Redis, *, topic: str, group: str) -> None:
        self.redis = redis
        self.positions_key = keys.positions(topic, group)
        self._enqueue = redis.register_script(ENQUEUE)
        self._claim = redis.register_script(CLAIM)

    async def positions(self, tps: Sequence[TopicPartition]) -> dict[TopicPartition, int]:
        stored = await self.redis.hmget(self.positions_key, [str(tp.partition) for tp in tps])
        return {tp: int(v) for tp, v in zip(tps, stored, strict=True) if v is not None}

    async def enqueue(
        self,
        position: tuple[int, int, int] | None,
        jobs: Sequence[tuple[str, str, str]],
        now_ms: int,
    ) -> tuple[int, int | None]:
        """Queue (subscription, alert id, body) jobs and move a partition's position
        (partition, first, next) behind the fence (None: only queue). (How many were new,
        None) or (0, the stored position that fenced the batch)."""
        redis_keys = [self.positions_key, keys.DELIVERIES_DUE]
        where = ("", "", "") if position is None else position
        args: list[str | int] = [*where, now_ms]
        for sub, alert_id, body in jobs:
            redis_keys += [keys.job(sub, alert_id), keys.delivered(sub, alert_id)]
            args += [member(sub, alert_id), body]
        status, value = await self._enqueue(keys=redis_keys, args=args)
        return (int(value), None) if int(status) == 1 else (0, int(value))

    async def due(self, now_ms: int, limit: int) -> list[str]:
        """Members due now, soonest first (not claimed: see `claim`)."""
        found = await self.redis.zrangebyscore(keys.DELIVERIES_DUE, "-inf", now_ms, 0, limit)
        return [str(m) for m in found]

    async def claim(self, members: Sequence[str], now_ms: int, lease_ms: int) -> list[Job]:
        """The jobs of `members` this worker now holds until `now_ms + lease_ms`."""
        if not members:
            return []
        got = await self._claim(
            keys=[keys.DELIVERIES_DUE], args=[now_ms, now_ms + lease_ms, *members]
        )
        jobs = []
        for claimed in got:
            sub, _, alert_id = str(claimed).partition(" ")
            fields = await self.redis.hgetall(keys.job(sub, alert_id))
            if not fields:  # done meanwhile by another worker
                await self.redis.zrem(keys.DELIVERIES_DUE, claimed)
                continue
            jobs.append(
                Job(
                    sub,
                    alert_id,
                    str(fields["body"]).encode(),
                    int(fields["attempts"]),
                    int(fields["created"]),
                )
            )
        return jobs

    async def delivered(self, job: Job) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(keys.delivered(job.subscription_id, job.alert_id), "1", ex=DELIVERED_TTL_S)
            pipe.delete(keys.job(job.subscription_id, job.alert_id))
            pipe.zrem(keys.DELIVERIES_DUE, job.member)
            await pipe.execute()

    async def retry_at(self, job: Job, due_ms: int) -> None:
        """Counts the attempt made and puts the job back, due at `due_ms`."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.job(job.subscription_id, job.alert_id), "attempts", job.attempts + 1)
            pipe.zadd(keys.DELIVERIES_DUE, {job.member: due_ms}, xx=True)
            await pipe.execute()

    async def drop(self, job: Job) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(keys.job(job.subscription_id, job.alert_id))
            pipe.zrem(keys.DELIVERIES_DUE, job.member)
            await pipe.execute()

    async def drop_subscription(self, subscription_id: str) -> int:
        """Removes every queued job of a subscription (disabled or deleted)."""
        dropped = 0
        async for found, _ in self.redis.zscan_iter(
            keys.DELIVERIES_DUE, match=f"{subscription_id} *"
        ):
            sub, _, alert_id = str(found).partition(" ")
            await self.drop(Job(sub, alert_id, b"", 0, 0))
            dropped += 1
        return dropped

    async def count(self, subscription_id: str) -> int:
        """Jobs queued for one subscription."""
        found = 0
        async for _ in self.redis.zscan_iter(keys.DELIVERIES_DUE, match=f"{subscription_id} *"):
            found += 1
        return found

    async def size(self) -> int:
        return int(await self.redis.zcard(keys.DELIVERIES_DUE))
