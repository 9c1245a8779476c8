"""The budget monitor killed (SIGKILL, as a crash) and restarted in the middle of a
stream of charges crossing 50, 80 and 100 %, once while its subscriber is down:
each alert reaches the subscriber exactly once, signed per Standard Webhooks.

The monitor runs as `python -m budget_monitor`, as deployed; charges go straight
to `usage.rated`, as the rating service produces them.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from aiohttp import web

from chargeback import codec
from chargeback.auth import KeyStore
from chargeback.contracts import RatedCharge, Topics
from chargeback.kafka import ensure_topics, make_producer
from chargeback_cli.embedded import ManagedProcess, free_port

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)


def signature_is_valid(headers: dict[str, str], body: bytes, secret: str) -> bool:
    """Standard Webhooks v1, from the specification: HMAC-SHA256 over id.timestamp.body
    with the base64-decoded part of `whsec_…`, base64-encoded, after "v1,"."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    if abs(time.time() - int(headers["webhook-timestamp"])) > 300:
        return False
    return any(
        version == "v1" and hmac.compare_digest(value, expected)
        for version, _, value in (s.partition(",") for s in headers["webhook-signature"].split())
    )


@dataclass
class Subscriber:
    status: int = 200
    received: list[tuple[dict[str, str], bytes, int]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        self.received.append((headers, await request.read(), self.status))
        return web.Response(status=self.status)

    def accepted(self) -> list[tuple[dict[str, str], bytes]]:
        return [(h, b) for h, b, status in self.received if status == 200]


def charge(n: int, amount: str) -> RatedCharge:
    return RatedCharge(
        event_id=f"kill-{n}",
        event_source="chaos://cluster",
        customer="acme",
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


async def produce(bootstrap: str, *charges: RatedCharge) -> None:
    producer = make_producer(bootstrap)
    await producer.start()
    try:
        for c in charges:
            await producer.send_and_wait(Topics.RATED, codec.encode(c), key=c.customer.encode())
    finally:
        await producer.stop()


async def until(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout}s")
        await asyncio.sleep(0.1)


async def test_sigkilled_monitor_delivers_each_alert_exactly_once(broker, redis_url, tmp_path):
    bootstrap = broker.bootstrap_servers
    await ensure_topics(bootstrap)
    finance, _ = KeyStore(tmp_path / "keys.json").create("finance")
    port = free_port()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "REDIS_URL": redis_url,
        "CHARGEBACK_KEYS_FILE": str(tmp_path / "keys.json"),
        "BUDGET_MONITOR_PORT": str(port),
        "BUDGET_MONITOR_DATABASE_URL": f"sqlite:///{tmp_path / 'budgets.db'}",
        "BUDGET_MONITOR_CONSUMER_SESSION_TIMEOUT_MS": "6000",
        "BUDGET_MONITOR_WEBHOOK_TIMEOUT_S": "1",
        "BUDGET_MONITOR_WEBHOOK_BACKOFF_S": "0.1",
        "BUDGET_MONITOR_WEBHOOK_BACKOFF_MAX_S": "0.5",
    }
    subscriber = Subscriber()
    app = web.Application()
    app.router.add_post("/hook", subscriber.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    hook_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", hook_port).start()
    api = httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {finance}"}
    )

    def start() -> ManagedProcess:
        return ManagedProcess(
            "budget-monitor",
            [sys.executable, "-m", "budget_monitor"],
            env=env,
            log_path=tmp_path / "monitor.log",
        ).start()

    async def ready(process: ManagedProcess) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.alive(), (tmp_path / "monitor.log").read_text()[-3000:]
            try:
                if (await api.get("/readyz", timeout=1)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
        raise AssertionError("monitor not ready")

    monitor = start()
    try:
        await ready(monitor)
        budget = {
            "id": "acme-m",
            "customer": "acme",
            "amount": "10.00",
            "currency": "USD",
            "thresholds": [50, 80, 100],
        }
        assert (await api.post("/v1/budgets", json=budget)).status_code == 201
        created = await api.post(
            "/v1/subscriptions", json={"url": f"http://127.0.0.1:{hook_port}/hook"}
        )
        secret = created.json()["secret"]

        await produce(bootstrap, charge(1, "3"), charge(2, "3"))  # 6.00: 50 %
        await until(lambda: len(subscriber.accepted()) == 1)
        monitor.kill()  # crash 1: with the 50 % alert delivered
        monitor.stop()  # (only closes its log file: the process is gone)

        await produce(bootstrap, charge(2, "3"), charge(3, "2.5"))  # a replayed charge; 8.50: 80 %
        subscriber.status = 500
        monitor = start()
        await ready(monitor)
        await until(lambda: len(subscriber.received) >= 3)  # the 80 % alert, refused
        monitor.kill()  # crash 2: with the 80 % alert queued, its subscriber down
        monitor.stop()

        await produce(bootstrap, charge(4, "1.5"))  # 10.00: 100 %
        subscriber.status = 200
        monitor = start()
        await ready(monitor)
        await until(lambda: len(subscriber.accepted()) == 3)
        await asyncio.sleep(2)  # anything delivered twice would have arrived by now

        status = (await api.get("/v1/budgets/acme-m/status")).json()
        assert Decimal(status["spent"]) == Decimal("10.00")  # the replay counted once
    finally:
        monitor.stop()
        await api.aclose()
        await runner.cleanup()

    accepted = subscriber.accepted()
    ids = [h["webhook-id"] for h, _ in accepted]
    assert len(ids) == len(set(ids)) == 3  # each alert exactly once
    bodies = [json.loads(b) for _, b in accepted]
    assert [Decimal(b["threshold_percent"]) for b in bodies] == [50, 80, 100]
    assert [b["triggered_by_event_id"] for b in bodies] == ["kill-2", "kill-3", "kill-4"]
    for headers, body, _ in subscriber.received:
        assert signature_is_valid(headers, body, secret)
        assert json.loads(body)["alert_id"] == headers["webhook-id"]
    assert not signature_is_valid(accepted[0][0], accepted[0][1], "whsec_" + "A" * 44)
