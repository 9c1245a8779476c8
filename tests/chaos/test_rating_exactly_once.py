"""Charged exactly once: two rating workers, duplicates in the input, SIGKILL and a zombie.

Two `python -m rating` processes share a 4-partition `usage.events` on the embedded broker
and one Redis. Tens of thousands of events (some of them re-sent copies) stream in, in two
waves. During the first, at a random moment, one worker is killed with SIGKILL and started
again. During the second, the other is frozen (SIGSTOP) until its partitions have moved to
the first, then thawed (SIGCONT): a zombie that finishes the batch it was rating and tries
to commit it (the offset fence must refuse). Afterwards
`usage.rated`, de-duplicated as billing does it (first copy of an event id wins), must
equal the oracle to the last decimal, every event must be charged, no event may carry two
different amounts, and the tier state must count every event's units exactly once.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from rating_chaos_workers import Workers, usage_stream
from redis.asyncio import Redis

from chargeback import codec
from chargeback.contracts import RatedCharge, Topics, UsageEvent
from chargeback.kafka import ensure_topics, make_producer
from chargeback_cli.embedded import EmbeddedBroker
from chargeback_cli.stack import DEFAULT_PRICE_BOOK
from terms.adapters.files import load_catalog
from terms.domain import UsageKey, exact_sum, rate_events, totals, usage_key

pytestmark = pytest.mark.integration

EVENTS, DUPLICATES = 24_000, 1_500
# The stream comes in far faster than two workers rate it, so both have a backlog and rate
# full batches when one is killed: the kill lands mid-batch, usually after some of the
# batch's charges were published and before its commit.
CHUNK, PAUSE_S = 2_000, 0.0


async def produce_slowly(bootstrap: str, events: list[UsageEvent]) -> None:
    producer = make_producer(bootstrap)
    await producer.start()
    try:
        for start in range(0, len(events), CHUNK):
            pending = [
                await producer.send(Topics.EVENTS, codec.encode(e), key=e.customer.encode())
                for e in events[start : start + CHUNK]
            ]
            await asyncio.gather(*pending)
            await asyncio.sleep(PAUSE_S)
    finally:
        await producer.stop()


async def read_until_every_event_is_charged(
    bootstrap: str, expected: set[str], timeout: float = 150.0
) -> list[RatedCharge]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [
            TopicPartition(Topics.RATED, p) for p in range(Topics.PARTITIONS[Topics.RATED])
        ]
        consumer.assign(partitions)
        for tp in partitions:
            consumer.seek(tp, 0)
        charges: list[RatedCharge] = []
        charged: set[str] = set()
        deadline = time.monotonic() + timeout
        quiet_since = None
        while quiet_since is None or time.monotonic() - quiet_since < 2.0:
            assert time.monotonic() < deadline, f"{len(expected - charged)} events never charged"
            batch = await consumer.getmany(timeout_ms=250, max_records=20_000)
            for records in batch.values():
                for record in records:
                    charge = codec.decode(RatedCharge, record.value)
                    charges.append(charge)
                    charged.add(charge.event_key)
            if charged >= expected and not batch:
                quiet_since = quiet_since or time.monotonic()  # then catch any late copy
            elif batch:
                quiet_since = None
        return charges
    finally:
        await consumer.stop()


async def tier_state(redis_url: str) -> dict[UsageKey, Decimal]:
    redis = Redis.from_url(redis_url)
    try:
        state = {}
        async for key in redis.scan_iter("rating:usage:*"):
            _, _, customer, period = key.decode().split(":")
            for field, value in (await redis.hgetall(key)).items():
                service, meter = field.decode().split("/")
                state[(customer, service, meter, period)] = Decimal(value.decode())
        return state
    finally:
        await redis.aclose()


async def test_every_event_is_charged_once_through_a_sigkill(
    broker: EmbeddedBroker, redis_url: str, tmp_path: Path
) -> None:
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    events = usage_stream(DEFAULT_PRICE_BOOK, EVENTS, DUPLICATES, rng)
    bootstrap = broker.bootstrap_servers
    await ensure_topics(bootstrap)
    workers = Workers(bootstrap, redis_url, DEFAULT_PRICE_BOOK, tmp_path)
    try:
        for name in ("a", "b"):
            workers.start(name)
        await asyncio.gather(workers.wait_ready("a"), workers.wait_ready("b"))

        victim, zombie = rng.sample(["a", "b"], 2)
        half = len(events) // 2
        producing = asyncio.create_task(produce_slowly(bootstrap, events[:half]))
        await asyncio.sleep(rng.uniform(1.0, 2.5))
        workers.kill(victim)
        await asyncio.sleep(1.0)
        workers.start(victim)
        await producing
        await workers.wait_ready(victim)

        producing = asyncio.create_task(produce_slowly(bootstrap, events[half:]))
        await asyncio.sleep(rng.uniform(0.5, 2.0))
        survivor = victim
        assignments = workers.log_lines(survivor, "assigned")
        workers.pause(zombie)
        await workers.wait_log(survivor, "assigned", assignments)  # it took the partitions
        await asyncio.sleep(2.0)  # and rated past the zombie's batch
        workers.resume(zombie)
        await producing

        expected = {event.key for event in events}
        charges = await read_until_every_event_is_charged(bootstrap, expected)
    finally:
        workers.stop()

    why = f"seed {seed}, logs in {tmp_path}"
    catalog = load_catalog(DEFAULT_PRICE_BOOK)
    oracle, rejections = rate_events(events, catalog)
    assert rejections == [] and len(oracle) == EVENTS

    copies: dict[str, list[RatedCharge]] = defaultdict(list)
    for charge in charges:
        copies[charge.event_key].append(charge)
    assert set(copies) == expected, why  # every event charged, nothing else
    differing = {k for k, same in copies.items() if len({c.amount for c in same}) > 1}
    assert not differing, f"{len(differing)} events with two different amounts ({why})"

    first_wins = [same[0] for same in copies.values()]  # what billing keeps
    by_event = {charge.event_key: charge for charge in oracle}
    wrong = [c.event_key for c in first_wins if c.amount != by_event[c.event_key].amount]
    assert not wrong, f"{len(wrong)} charges differ from the oracle ({why})"
    assert totals(first_wins) == totals(oracle), why

    # The tier state counted every distinct event's units exactly once.
    units: dict[UsageKey, list[Decimal]] = defaultdict(list)
    for event in {event.key: event for event in reversed(events)}.values():
        units[usage_key(catalog, event)].append(event.data.quantity)
    expected_state = {key: exact_sum(quantities) for key, quantities in units.items()}
    assert await tier_state(redis_url) == expected_state, why
