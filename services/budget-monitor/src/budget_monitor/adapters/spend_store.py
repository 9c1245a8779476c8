"""Spend in Redis: per-partition decimal sub-totals, applied a batch at a time, atomically.

One Lua script writes a partition's batch: it refuses the batch unless the fence
admits it (the partition's stored next offset is absent or the batch's first) and
every spend hash is still at the version read (so totals computed in Python
Decimal from that read are still right), then writes the new sub-totals as
strings (never INCRBYFLOAT: a float), marks the counted event ids (with a TTL),
records the crossed alerts as pending unless already raised, and moves the offset.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from aiokafka import TopicPartition
from redis.asyncio import Redis

from budget_monitor.adapters import redis_keys as keys
from budget_monitor.adapters.lua import APPLY_BATCH
from budget_monitor.domain import Evaluation, Opening, SpendKey, exact


class Applied(enum.Enum):
    OK = 1
    FENCED = 0  # the stored position is not the batch's first: resume there
    SPEND_CHANGED = -1  # another partition changed a shared total: evaluate again


@dataclass
class PartitionState:
    next_offset: int | None
    opening: dict[SpendKey, Opening] = field(default_factory=dict)
    versions: dict[SpendKey, str] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)


class RedisSpendStore:
    def __init__(
        self,
        redis: Redis,
        *,
        topic: str,
        group: str,
        seen_ttl_s: int,
        spend_ttl_s: int = 400 * 86400,
    ) -> None:
        self.redis = redis
        self.topic = topic
        self.positions_key = keys.positions(topic, group)
        self.seen_ttl_s = seen_ttl_s
        self.spend_ttl_s = spend_ttl_s
        self._apply = redis.register_script(APPLY_BATCH)

    async def positions(self, tps: Sequence[TopicPartition]) -> dict[TopicPartition, int]:
        stored = await self.redis.hmget(self.positions_key, [str(tp.partition) for tp in tps])
        return {tp: int(v) for tp, v in zip(tps, stored, strict=True) if v is not None}

    async def read(
        self, partition: int, spend: Iterable[SpendKey], event_keys: Sequence[str]
    ) -> PartitionState:
        spend = sorted(spend)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hget(self.positions_key, str(partition))
            for budget_id, period in spend:
                pipe.hgetall(keys.spend(budget_id, period))
            if event_keys:
                pipe.mget([keys.seen(k) for k in event_keys])
            answers = await pipe.execute()
        state = PartitionState(None if answers[0] is None else int(answers[0]))
        for key, fields in zip(spend, answers[1 : 1 + len(spend)], strict=True):
            state.versions[key] = fields.pop(keys.VERSION_FIELD, "0")
            own = fields.pop(str(partition), "0")
            state.opening[key] = Opening(Decimal(own), exact.total(map(Decimal, fields.values())))
        if event_keys:
            marks = answers[-1]
            state.seen = {k for k, mark in zip(event_keys, marks, strict=True) if mark}
        return state

    async def apply(
        self,
        partition: int,
        *,
        first_offset: int,
        next_offset: int,
        state: PartitionState,
        evaluation: Evaluation,
        alerts: Sequence[tuple[str, str]],
    ) -> tuple[Applied, int | None]:
        """Write one partition's evaluated batch, or refuse it (see `Applied`); with
        FENCED, the stored position."""
        totals = sorted(evaluation.own_totals.items())
        redis_keys = [
            self.positions_key,
            keys.PENDING_ALERTS,
            *(keys.spend(b, p) for (b, p), _ in totals),
            *(keys.seen(k) for k in evaluation.counted),
            *(keys.raised(alert_id) for alert_id, _ in alerts),
        ]
        args: list[str | int] = [
            partition,
            first_offset,
            next_offset,
            self.seen_ttl_s,
            self.spend_ttl_s,
            len(totals),
            len(evaluation.counted),
            len(alerts),
        ]
        for key, value in totals:
            args += [state.versions.get(key, "0"), str(value)]
        for alert_id, raw in alerts:
            args += [alert_id, raw]
        answer = await self._apply(keys=redis_keys, args=args)
        applied = Applied(int(answer[0]))
        return applied, int(answer[1]) if applied is Applied.FENCED else None

    async def spent(self, spend: Sequence[SpendKey]) -> dict[SpendKey, Decimal]:
        """The spend of each (budget, period): the sum of its partitions' sub-totals."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for budget_id, period in spend:
                pipe.hgetall(keys.spend(budget_id, period))
            answers = await pipe.execute()
        return {
            key: exact.total(Decimal(v) for f, v in fields.items() if f != keys.VERSION_FIELD)
            for key, fields in zip(spend, answers, strict=True)
        }
