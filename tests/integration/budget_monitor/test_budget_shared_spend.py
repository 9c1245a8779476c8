"""Budgets whose spend spans partitions (a cost center, a service): workers of several
partitions racing on one total still raise each threshold exactly once, at the charge
that crossed it; and the sweep raises what no charge crossed (a budget lowered)."""

from __future__ import annotations

import asyncio
import json
import random
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord
from redis.asyncio import Redis

from budget_monitor.adapters.alert_outbox import AlertOutbox
from budget_monitor.adapters.alert_publisher import KafkaAlertPublisher
from budget_monitor.adapters.alert_store import RedisAlertStore
from budget_monitor.adapters.spend_store import RedisSpendStore
from budget_monitor.domain import Budget, BudgetBook, Scope
from budget_monitor.entrypoints.rated_charges import RatedChargeHandler
from budget_monitor.service_layer.sweep import sweep
from chargeback import codec
from chargeback.contracts import RatedCharge, Topics
from chargeback.kafka import ensure_topics, make_producer
from chargeback.tracking import Applied, Conflict, PartitionBatch

pytestmark = pytest.mark.integration
D = Decimal
NOW = datetime.now(UTC)
PERIOD = NOW.strftime("%Y-%m")
CUSTOMERS = [f"c{i}" for i in range(8)]
THRESHOLDS = tuple(D(t) for t in range(10, 101, 10))


def book(amount: str = "100", thresholds=THRESHOLDS) -> BudgetBook:
    return BudgetBook(
        (Budget("cc", Scope(cost_center="CC-1"), D(amount), "USD", thresholds=thresholds),)
    )


def record(partition: int, offset: int, n: int, customer: str, amount: Decimal) -> ConsumerRecord:
    charge = RatedCharge(
        event_id=f"ev-{n}",
        event_source="test://race",
        customer=customer,
        service="compute",
        meter="cpu_hours",
        unit="hour",
        quantity=D(1),
        unit_price=amount,
        amount=amount,
        currency="USD",
        price_book_version="t1",
        period=f"{NOW:%Y-%m}",
        time_zone="UTC",
        cost_center="CC-1",  # every customer's, as rating names it on the charge
        event_time=NOW,
        rated_at=NOW,
    )
    value = codec.encode(charge)
    return ConsumerRecord(
        Topics.RATED, partition, offset, 0, 0, None, value, None, 0, len(value), ()
    )


async def test_partitions_racing_on_a_cost_center_raise_each_threshold_once(broker, redis_url):
    await ensure_topics(broker.bootstrap_servers)
    redis = Redis.from_url(redis_url, decode_responses=True)
    producer = make_producer(broker.bootstrap_servers)
    await producer.start()
    spend = RedisSpendStore(redis, topic=Topics.RATED, group="race", seen_ttl_s=3600)
    alerts = RedisAlertStore(redis, recent_cap=100)
    outbox = AlertOutbox(alerts, KafkaAlertPublisher(producer))
    current = book()
    handler = RatedChargeHandler(lambda: current, spend, outbox, forecast_min_elapsed_percent=D(20))
    rng = random.Random(5)
    amounts: dict[str, Decimal] = {}
    streams: dict[int, list[ConsumerRecord]] = {p: [] for p in range(4)}
    for n in range(400):  # 400 charges of 0.01 .. 0.49, two customers per partition
        partition = n % 4
        customer = CUSTOMERS[partition * 2 + rng.randrange(2)]
        amount = D(rng.randrange(1, 50)) / 100
        amounts[f"ev-{n}"] = amount
        streams[partition].append(record(partition, len(streams[partition]), n, customer, amount))
    conflicts = 0

    async def worker(partition: int) -> None:
        """What the tracking consumer does: a conflict is fetched again and redone at once."""
        nonlocal conflicts
        tp, records = TopicPartition(Topics.RATED, partition), streams[partition]
        for start in range(0, len(records), 7):  # small batches: many chances to race
            part = records[start : start + 7]
            batch = PartitionBatch(tp, part[0].offset, part[-1].offset + 1, part)
            while not isinstance(outcome := (await handler.apply([batch]))[tp], Applied):
                assert isinstance(outcome, Conflict), outcome
                conflicts += 1
            await asyncio.sleep(0)

    try:
        await asyncio.gather(*(worker(p) for p in range(4)))
        await outbox.flush()
        total = sum(amounts.values(), D(0))
        assert (await spend.spent([("cc", PERIOD)]))[("cc", PERIOD)] == total  # exact
        assert conflicts > 0  # the partitions did race on the shared total
        raised = [json.loads(r) for r in await alerts.recent()]
        assert sorted(D(a["threshold_percent"]) for a in raised) == [
            t for t in THRESHOLDS if total * 100 >= D(100) * t
        ]
        for alert in raised:  # named after the very charge that crossed the line
            level = D(alert["threshold_percent"])  # of 100: the level is the percentage
            spent_then = D(alert["spent"])
            assert spent_then - amounts[alert["triggered_by_event_id"]] < level <= spent_then

        # A budget lowered below what is spent: no charge crosses its new threshold,
        # the sweep raises it (once).
        current = book("10", (D(500),))
        assert await sweep(current, spend, alerts, outbox, min_elapsed_percent=D(20), now=NOW) == 1
        assert await sweep(current, spend, alerts, outbox, min_elapsed_percent=D(20), now=NOW) == 0
        newest = json.loads((await alerts.recent())[0])
        assert newest["threshold_percent"] == "500" and newest.get("triggered_by_event_id") is None
    finally:
        await producer.stop()
        await redis.aclose()
