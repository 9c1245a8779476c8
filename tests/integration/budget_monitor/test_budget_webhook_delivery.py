"""Webhook delivery through the durable retry queue: a failing subscriber holds up no
other, gets every alert once when it recovers (across a monitor restart), and 410
disables it. Signatures are checked with a verifier written from the specification."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from aiohttp import web
from bm_testkit import Receiver, eventually, verify_standard_webhook

from budget_monitor.bootstrap import build_app
from budget_monitor.domain import alert_id
from budget_monitor.settings import BudgetMonitorSettings
from chargeback import codec
from chargeback.auth import KeyStore
from chargeback.contracts import BudgetAlert, Topics
from chargeback.kafka import ensure_topics, make_producer
from chargeback.settings import InfraSettings
from chargeback_cli.embedded import free_port

pytestmark = pytest.mark.integration


def alert(threshold: int, budget: str = "globex-monthly") -> BudgetAlert:
    return BudgetAlert(
        alert_id=alert_id(budget, "2026-11", "actual", Decimal(threshold)),
        budget_id=budget,
        period="2026-11",
        basis="actual",
        threshold_percent=Decimal(threshold),
        budget_amount=Decimal(30),
        spent=Decimal(threshold) * Decimal("0.3"),
        currency="USD",
        scope={"customer": "globex"},
        raised_at=datetime.now(UTC),
    )


async def publish(bootstrap: str, alerts: list[BudgetAlert]) -> None:
    producer = make_producer(bootstrap)
    await producer.start()
    try:
        for message in alerts:
            key = message.budget_id.encode()
            await producer.send_and_wait(Topics.ALERTS, codec.encode(message), key=key)
    finally:
        await producer.stop()


@pytest.fixture
async def second_receiver():
    hook = Receiver(free_port())
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", hook.port).start()
    yield hook
    await runner.cleanup()


def monitor(tmp_path, bootstrap: str, redis_url: str):
    settings = BudgetMonitorSettings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'budgets.db'}",
        webhook_backoff_s=0.1,
        webhook_backoff_max_s=0.4,
        consumer_session_timeout_ms=6000,
    )
    infra = InfraSettings(_env_file=None, kafka_bootstrap_servers=bootstrap, redis_url=redis_url)
    keys = KeyStore(tmp_path / "keys.json")
    finance = keys.create("finance")[0] if not keys.all() else None
    return build_app(settings, infra=infra, keys=keys), finance


def client(app, key: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://bm",
        headers={"Authorization": f"Bearer {key}"},
    )


async def test_a_failing_subscriber_holds_up_nobody_and_gets_each_alert_once(
    broker, redis_url, receiver, second_receiver, tmp_path
):
    bootstrap = broker.bootstrap_servers
    await ensure_topics(bootstrap)
    receiver.failing, receiver.failing_status = True, 500
    first, second, third = alert(50), alert(80), alert(100)
    app, finance = monitor(tmp_path, bootstrap, redis_url)
    async with app.router.lifespan_context(app), client(app, finance) as api:
        failing = (await api.post("/v1/subscriptions", json={"url": receiver.url})).json()
        healthy = (await api.post("/v1/subscriptions", json={"url": second_receiver.url})).json()
        # The first alert twice (a publisher that crashed after the broker's ack).
        await publish(bootstrap, [first, first, second])
        # The healthy subscriber has both alerts while the other is still refusing them.
        await eventually(lambda: len(second_receiver.accepted()) == 2, timeout=30)
        await eventually(lambda: len(receiver.requests) >= 4)
        assert receiver.accepted() == []
        log = (await api.get(f"/v1/subscriptions/{failing['id']}/deliveries")).json()
        assert log["queued"] == 2
        assert {d["status_code"] for d in log["deliveries"]} == {500}
        assert all(d["outcome"] == "http_error" and d["latency_ms"] >= 0 for d in log["deliveries"])

    # The monitor restarts while the subscriber is still down; a third alert comes meanwhile.
    await publish(bootstrap, [third])
    app, _ = monitor(tmp_path, bootstrap, redis_url)
    async with app.router.lifespan_context(app), client(app, finance) as api:
        await eventually(lambda: len(second_receiver.accepted()) == 3, timeout=30)
        receiver.failing = False
        await eventually(lambda: len(receiver.accepted()) == 3, timeout=30)
        await eventually(lambda: _queued(api, failing["id"], 0), timeout=10)
        log = (await api.get(f"/v1/subscriptions/{failing['id']}/deliveries")).json()
        assert sorted(
            d["alert_id"] for d in log["deliveries"] if d["status_code"] == 200
        ) == sorted(a.alert_id for a in (first, second, third))
        await publish(bootstrap, [first])  # a replayed alert is not delivered again

        await asyncio.sleep(2)

    for hook, secret in ((receiver, failing["secret"]), (second_receiver, healthy["secret"])):
        accepted = [d.headers["webhook-id"] for d in hook.accepted()]
        assert sorted(accepted) == sorted(a.alert_id for a in (first, second, third))
        for delivery in hook.requests:  # retries are signed too, with the same webhook-id
            assert verify_standard_webhook(delivery, secret)
            assert json.loads(delivery.body)["alert_id"] == delivery.headers["webhook-id"]


async def _queued(api: httpx.AsyncClient, sub_id: str, expected: int) -> bool:
    return (await api.get(f"/v1/subscriptions/{sub_id}/deliveries")).json()["queued"] == expected


async def test_410_gone_disables_the_subscription(broker, redis_url, receiver, tmp_path):
    bootstrap = broker.bootstrap_servers
    await ensure_topics(bootstrap)
    receiver.failing, receiver.failing_status = True, 410
    app, finance = monitor(tmp_path, bootstrap, redis_url)
    async with app.router.lifespan_context(app), client(app, finance) as api:
        sub = (await api.post("/v1/subscriptions", json={"url": receiver.url})).json()
        await publish(bootstrap, [alert(50), alert(80)])

        async def disabled() -> bool:
            return (await api.get(f"/v1/subscriptions/{sub['id']}")).json()["enabled"] is False

        await eventually(disabled, timeout=30)
        shown = (await api.get(f"/v1/subscriptions/{sub['id']}")).json()
        assert "410" in shown["disabled_reason"]
        log = (await api.get(f"/v1/subscriptions/{sub['id']}/deliveries")).json()
        assert log["queued"] == 0 and log["deliveries"][0]["outcome"] == "gone"
        seen = len(receiver.requests)
        receiver.failing = False
        await publish(bootstrap, [alert(100)])
        await asyncio.sleep(2)
        assert len(receiver.requests) == seen  # nothing more is sent to it
