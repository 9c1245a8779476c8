"""The tracking consumer on the embedded broker and a real Redis: poison, replay, outage.

The stage under test keeps, per record, how many times it was applied (a Redis hash
written by one Lua script behind the platform's fence, with the partition's position),
and fails on records whose value is b"boom", as a bug triggered by one event would.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from redis.asyncio import Redis

from chargeback import codec
from chargeback.contracts import RejectedEvent, Topics
from chargeback.kafka import ensure_topics, make_producer
from chargeback.metrics import ConsumerMetrics
from chargeback.tracking import (
    FENCE_LUA,
    ConsumerConfig,
    FailurePolicy,
    Fenced,
    Outcome,
    PartitionBatch,
    TrackingConsumer,
)

pytestmark = pytest.mark.integration
TOPIC = "test.tracked"
METRICS = ConsumerMetrics("tracking_test", [TOPIC])
APPLY = (
    FENCE_LUA
    + """
local stored = fenced(KEYS[1], ARGV[1], ARGV[2])
if stored then return stored end
for i = 4, #ARGV do redis.call('HINCRBY', KEYS[2], ARGV[i], 1) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return false
"""
)


class CountingStage:
    """`Tracked`: how often each record was applied, and the positions, in Redis."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._apply = redis.register_script(APPLY)

    async def positions(self, tps: Sequence[TopicPartition]) -> Mapping[TopicPartition, int]:
        stored = await self.redis.hmget("positions", [str(tp.partition) for tp in tps])
        return {tp: int(v) for tp, v in zip(tps, stored, strict=True) if v is not None}

    async def apply(self, batches: Sequence[PartitionBatch]) -> Mapping[TopicPartition, Outcome]:
        if any(r.value == b"boom" for b in batches for r in b.records):
            raise ArithmeticError("a bug this record triggers")
        outcomes: dict[TopicPartition, Outcome] = {}
        for b in batches:
            values = [r.value.decode() for r in b.records]
            args = [b.tp.partition, b.first, b.next, *values]
            stored = await self._apply(keys=["positions", "applied"], args=args)
            if stored is not None:
                outcomes[b.tp] = Fenced(int(stored))
        return outcomes

    async def applied(self) -> dict[str, int]:
        return {k.decode(): int(v) for k, v in (await self.redis.hgetall("applied")).items()}


def tracking(bootstrap: str, stage: CountingStage) -> TrackingConsumer:
    policy = FailurePolicy(max_tries=3, first_pause_s=0.2, max_pause_s=1.0)
    config = ConsumerConfig(
        bootstrap, TOPIC, "tracking-test", stage="billing", session_timeout_ms=6000, policy=policy
    )
    return TrackingConsumer(config, stage, metrics=METRICS)


async def produce(bootstrap: str, values: list[tuple[int, bytes]]) -> None:
    producer = make_producer(bootstrap)
    await producer.start()
    try:
        for partition, value in values:
            await producer.send(TOPIC, value, partition=partition)
        await producer.flush()
    finally:
        await producer.stop()


async def until(condition, timeout: float) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    while not await condition():
        assert time.monotonic() - started < timeout, "timed out"
        await asyncio.sleep(0.1)
    return time.monotonic() - started


async def dead_letters(bootstrap: str) -> list[RejectedEvent]:
    consumer = AIOKafkaConsumer(
        Topics.REJECTED, bootstrap_servers=bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        fetched = await consumer.getmany(timeout_ms=2000)
        return [codec.decode(RejectedEvent, r.value) for rs in fetched.values() for r in rs]
    finally:
        await consumer.stop()


def counted(cause: str) -> float:
    return METRICS.retries.labels(TOPIC, cause)._value.get()


async def test_a_poison_record_is_quarantined_and_the_rest_applied_once_also_after_a_restart(
    broker, redis_url
) -> None:
    bootstrap = broker.bootstrap_servers
    await ensure_topics(bootstrap, {TOPIC: 2, Topics.REJECTED: 1})
    redis = Redis.from_url(redis_url)
    stage = CountingStage(redis)
    ordinary = [(n % 2, f"r{n}".encode()) for n in range(200)]
    await produce(bootstrap, [*ordinary[:100], (0, b"boom"), *ordinary[100:]])
    consumer = tracking(bootstrap, stage)
    quarantined = METRICS.quarantined.labels(TOPIC)._value.get()
    await consumer.start()
    try:

        async def all_applied() -> bool:
            return len(await stage.applied()) == 200

        took = await until(all_applied, 60)
        print(f"ordinary records behind the poison applied {took:.1f} s after start")
        assert set((await stage.applied()).values()) == {1}  # each exactly once
        assert METRICS.quarantined.labels(TOPIC)._value.get() == quarantined + 1
    finally:
        await consumer.stop()
    (letter,) = await dead_letters(bootstrap)
    assert (letter.stage, letter.reason, letter.exception) == (
        "billing",
        "unprocessable",
        "ArithmeticError",
    )
    assert letter.origin is not None and letter.origin.topic == TOPIC
    assert letter.payload == "boom"

    # A new consumer of the same group (a restart, a rebalance) replays nothing.
    again = tracking(bootstrap, stage)
    await again.start()
    try:
        await produce(bootstrap, [(1, b"late-1"), (0, b"late-2")])

        async def late_applied() -> bool:
            return len(await stage.applied()) == 202

        await until(late_applied, 60)
        assert set((await stage.applied()).values()) == {1}
    finally:
        await again.stop()
    await redis.aclose()


async def test_a_store_that_does_not_answer_is_waited_for_not_skipped(broker, redis_url) -> None:
    bootstrap = broker.bootstrap_servers
    await ensure_topics(bootstrap, {TOPIC: 2, Topics.REJECTED: 1})
    redis = Redis.from_url(redis_url, socket_timeout=0.5)
    stage = CountingStage(redis)
    consumer = tracking(bootstrap, stage)
    await consumer.start()
    admin = Redis.from_url(redis_url)
    before = counted("unavailable")
    quarantined = METRICS.quarantined.labels(TOPIC)._value.get()
    try:
        await produce(bootstrap, [(n % 2, f"a{n}".encode()) for n in range(20)])

        async def first_applied() -> bool:
            return len(await stage.applied()) == 20

        await until(first_applied, 60)
        await admin.execute_command("CLIENT", "PAUSE", "4000", "ALL")  # the store hangs 4 s
        await produce(bootstrap, [(n % 2, f"b{n}".encode()) for n in range(20)])
        await asyncio.sleep(4.5)
        assert counted("unavailable") > before  # it backed off instead of giving up

        async def rest_applied() -> bool:
            return len(await stage.applied()) == 40

        await until(rest_applied, 60)
        assert set((await stage.applied()).values()) == {1}
        assert consumer.running  # still consuming, still in its group
        assert METRICS.quarantined.labels(TOPIC)._value.get() == quarantined  # an outage: none
    finally:
        await consumer.stop()
        await redis.aclose()
        await admin.aclose()
    assert [d for d in await dead_letters(bootstrap) if str(d.payload).startswith(("a", "b"))] == []
