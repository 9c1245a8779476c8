"""Rated charges in, each alert published once and delivered once, across a restart and replay."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from bm_testkit import eventually, read_topic, verify_standard_webhook
from prometheus_client import REGISTRY
from redis.asyncio import Redis

from budget_monitor.bootstrap import build_app
from budget_monitor.domain import Budget, BudgetBook, Scope, WebhookTarget
from budget_monitor.settings import BudgetMonitorSettings
from chargeback import codec
from chargeback.auth import KeyStore
from chargeback.contracts import RatedCharge, Topics
from chargeback.kafka import ensure_topics, make_producer
from chargeback.settings import InfraSettings

pytestmark = pytest.mark.integration
SECRET = "whsec_" + base64.b64encode(b"budget-monitor-test-key").decode()
NOW = datetime.now(UTC)


def rated(n: int, amount: str, customer: str = "acme") -> RatedCharge:
    return RatedCharge(
        event_id=f"ev-{n}",
        event_source="test://cluster",
        customer=customer,
        service="compute",
        meter="cpu_hours",
        unit="hour",
        quantity=Decimal(1),
        unit_price=Decimal(amount),
        amount=Decimal(amount),
        currency="USD",
        price_book_version="t1",
        period=f"{NOW:%Y-%m}",
        time_zone="UTC",
        event_time=NOW,
        rated_at=NOW,
    )


async def produce(bootstrap: str, charges: list[RatedCharge]) -> None:
    producer = make_producer(bootstrap)
    await producer.start()
    try:
        for charge in charges:
            await producer.send_and_wait(
                Topics.RATED, codec.encode(charge), key=charge.customer.encode()
            )
    finally:
        await producer.stop()


async def test_each_threshold_alerts_once_through_duplicates_restart_and_replay(
    broker, redis_url, receiver, tmp_path
):
    bootstrap = broker.bootstrap_servers
    await ensure_topics(bootstrap)
    keys = KeyStore(tmp_path / "keys.json")
    finance, _ = keys.create("finance")
    acme_key, _ = keys.create("customer", customer="acme")
    globex_key, _ = keys.create("customer", customer="globex")
    emitter_key, _ = keys.create("emitter", sources=("*",))
    book = BudgetBook(
        (Budget("acme-monthly", Scope("acme"), Decimal("10.00"), "USD"),),
        (WebhookTarget(receiver.url, SECRET),),
    )
    settings = BudgetMonitorSettings(
        _env_file=None,
        webhook_backoff_s=0.05,
        outbox_interval_s=0.5,
        consumer_session_timeout_ms=6000,
        database_url=f"sqlite:///{tmp_path / 'budgets.db'}",
    )
    infra = InfraSettings(_env_file=None, kafka_bootstrap_servers=bootstrap, redis_url=redis_url)
    redis = Redis.from_url(redis_url, decode_responses=True)

    # 3 + 3 = 6 (50 %), the second charge again (a duplicate rated charge at another
    # offset), 2.5 -> 8.5 (80 %), 1.5 -> 10.00 (exactly 100 %); globex has no budget.
    await produce(
        bootstrap,
        [
            rated(1, "3"),
            rated(2, "3"),
            rated(2, "3"),
            rated(3, "2.5"),
            rated(4, "7", "globex"),
            rated(5, "1.5"),
        ],
    )

    app = build_app(settings, infra=infra, keys=keys, budgets=book)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bm") as api,
    ):
        await eventually(lambda: len(receiver.accepted()) >= 3)

        def get(path: str, key: str) -> httpx.Response:
            return api.get(path, headers={"Authorization": f"Bearer {key}"})

        budgets = (await get("/v1/budgets", finance)).json()["budgets"]
        assert len(budgets) == 1
        assert Decimal(budgets[0]["spent"]) == Decimal("10.0")
        assert Decimal(budgets[0]["percent"]) == 100
        assert [Decimal(t) for t in budgets[0]["thresholds_crossed"]] == [50, 80, 100]
        assert budgets[0]["period"] == NOW.strftime("%Y-%m")
        assert len((await get("/v1/budgets", acme_key)).json()["budgets"]) == 1
        assert (await get("/v1/budgets", globex_key)).json()["budgets"] == []
        assert (await get("/v1/budgets", emitter_key)).status_code == 403
        assert (await api.get("/v1/alerts")).status_code == 401

        alerts = (await get("/v1/alerts?limit=10", finance)).json()["alerts"]
        assert [Decimal(a["threshold_percent"]) for a in alerts] == [100, 80, 50]  # newest first
        assert alerts[0]["triggered_by_event_id"] == "ev-5"
        assert Decimal(alerts[1]["spent"]) == Decimal("8.5")
        assert len((await get("/v1/alerts?limit=2", acme_key)).json()["alerts"]) == 2
        assert (await get("/v1/alerts", globex_key)).json()["alerts"] == []
        assert (await get("/v1/alerts?limit=0", finance)).status_code == 422
        assert (await api.get("/readyz")).status_code == 200
        metrics = (await api.get("/metrics")).text
        assert 'budget_monitor_charges_evaluated_total{outcome="duplicate"}' in metrics

    # Replay: both consumers' stored positions go back to the start (as if lost), one new
    # charge arrives, and a new instance starts on the same Redis.
    await redis.delete(
        "bm:pos:budget-monitor:usage.rated", "bm:pos:budget-monitor-webhooks:budget.alerts"
    )
    await produce(bootstrap, [rated(6, "0.25")])
    duplicates_before = _duplicates()
    app = build_app(settings, infra=infra, keys=keys, budgets=book)
    async with app.router.lifespan_context(app):
        store = app.state.parts.spend
        key = ("acme-monthly", NOW.strftime("%Y-%m"))
        await eventually(lambda: _spent_is(store, key, Decimal("10.25")))
        await eventually(lambda: redis.hget("bm:pos:budget-monitor-webhooks:budget.alerts", "0"))
    assert _duplicates() - duplicates_before == 5  # the 5 acme records were replayed
    published = await read_topic(bootstrap, Topics.ALERTS)
    assert await store_spent(redis_url, key) == Decimal("10.25")  # nothing counted twice

    ids = [json.loads(r.value)["alert_id"] for r in published]
    assert len(ids) == 3 and len(set(ids)) == 3  # each alert published exactly once
    assert all(r.key == b"acme-monthly" for r in published)
    accepted = receiver.accepted()
    assert sorted(d.headers["webhook-id"] for d in accepted) == sorted(ids)  # delivered once
    assert len(receiver.requests) == 3
    for delivery in accepted:
        assert verify_standard_webhook(delivery, SECRET)
        assert json.loads(delivery.body)["alert_id"] == delivery.headers["webhook-id"]
    assert not verify_standard_webhook(accepted[0], "whsec_" + base64.b64encode(b"x").decode())
    await redis.aclose()


def _duplicates() -> float:
    sample = REGISTRY.get_sample_value(
        "budget_monitor_charges_evaluated_total", {"outcome": "duplicate"}
    )
    return sample or 0.0


async def _spent_is(store, key, expected: Decimal) -> bool:
    return (await store.spent([key]))[key] == expected


async def store_spent(redis_url: str, key) -> Decimal:
    client = Redis.from_url(redis_url, decode_responses=True)
    try:
        fields = await client.hgetall(f"bm:spend:{key[0]}|{key[1]}")
        return sum((Decimal(v) for f, v in fields.items() if f != "v"), Decimal(0))
    finally:
        await client.aclose()
