"""The rating state in a real Redis: atomic snapshots, fenced commits, exact decimal strings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from redis.asyncio import Redis

from rating.adapters.redis_state import RedisRatingStore, usage_hash
from rating.service_layer.ports import Committed, PartitionCommit
from terms.adapters import RedisPriceBookStorage
from terms.adapters.files import parse

pytestmark = pytest.mark.integration

KEY = ("acme", "compute", "cpu_hours", "2024-06")
# 40 significant digits: INCRBYFLOAT (a double) would keep about 17 of them.
HUGE = Decimal("123456789012345678901234567890.0123456789")


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_a_commit_is_fenced_by_the_stored_offset(redis: Redis) -> None:
    store = RedisRatingStore(redis, dedup_ttl_s=3600)
    first = PartitionCommit(2, 0, 50, {KEY: HUGE}, ["//s e1", "//s e2"])
    assert (await store.commit([first]))[2].outcome is Committed.APPLIED
    replay = await store.commit([first])  # a zombie, or the same batch again
    assert (replay[2].outcome, replay[2].stored_offset) == (Committed.FENCED, 50)
    snapshot = await store.snapshot([2, 3], {KEY}, {"//s e1", "//s e9"})
    assert snapshot.offsets == {2: 50}
    assert snapshot.usage == {KEY: HUGE}  # every digit, as a decimal string
    assert (
        await redis.hget(usage_hash("acme", "2024-06"), "compute/cpu_hours") == str(HUGE).encode()
    )
    assert snapshot.seen == {"//s e1"}
    assert await store.positions([2, 3]) == {2: 50}
    assert await store.used_in_period("acme", "2024-06") == {("compute", "cpu_hours"): HUGE}


async def test_nothing_of_a_refused_commit_is_written(redis: Redis) -> None:
    store = RedisRatingStore(redis, dedup_ttl_s=3600)
    await store.commit([PartitionCommit(0, 0, 10, {}, ["//s taken"])])
    other = ("globex", "compute", "cpu_hours", "2024-06")
    results = await store.commit(
        [
            PartitionCommit(1, 0, 5, {other: Decimal(7)}, ["//s new", "//s taken"]),  # stale
            PartitionCommit(0, 3, 8, {other: Decimal(9)}, ["//s other"]),  # fenced
        ]
    )
    assert [r.outcome for r in results.values()] == [Committed.STALE, Committed.FENCED]
    snapshot = await store.snapshot([0, 1], {other}, {"//s new", "//s other"})
    assert (snapshot.offsets, snapshot.usage, snapshot.seen) == ({0: 10}, {}, frozenset())


async def test_marks_expire_after_the_dedup_window(redis: Redis) -> None:
    store = RedisRatingStore(redis, dedup_ttl_s=3600)
    await store.commit([PartitionCommit(0, 0, 1, {}, ["//s e1"])])
    keys = [key async for key in redis.scan_iter("rating:seen:*")]
    assert len(keys) == 1 and 3500 < await redis.ttl(keys[0]) <= 3600


async def test_publishing_takes_a_version_and_a_start_once(redis: Redis) -> None:
    storage = RedisPriceBookStorage(redis)
    text = 'version: "v9"\neffective_from: 2099-01-01T00:00:00Z\ncurrency: USD\nservices:\n'
    text += '  ci: {meters: {minutes: {unit: minute, price: "0.008"}}}\n'
    book = parse(text, "t")
    assert await storage.put(book, text) == ("published", 1)
    assert await storage.put(book, text) == ("same", 1)
    assert await storage.put(book, text.replace("0.008", "0.009")) == ("version_taken", 0)
    other = parse(text.replace('"v9"', '"v10"'), "t")
    assert await storage.put(other, text.replace('"v9"', '"v10"')) == ("start_taken", 0)
    assert await storage.load() == (1, {"v9": text})
    assert await storage.generation() == 1
