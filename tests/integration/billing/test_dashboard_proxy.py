"""The dashboard's same-origin proxy to a real budget monitor (served over HTTP, Redis
behind it): budgets and alerts with the caller's own key, the live feed relayed, and a
clear 502 when the monitor does not answer."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
import uvicorn

from billing.bootstrap import build_app
from billing.dashboard import DashboardSettings
from billing.settings import BillingSettings
from budget_monitor.bootstrap import build_app as build_monitor
from budget_monitor.settings import BudgetMonitorSettings
from chargeback import codec
from chargeback.contracts import BudgetAlert
from chargeback.settings import InfraSettings
from chargeback_cli.embedded import free_port

pytestmark = pytest.mark.integration

BUDGETS = """
budgets:
  - {id: acme-monthly, customer: acme, amount: "10.00", currency: USD}
  - {id: globex-monthly, customer: globex, amount: "20.00", currency: USD}
webhooks: []
"""


@pytest.fixture
async def monitor(tmp_path, redis_url, keys) -> AsyncIterator[tuple[object, str]]:
    budgets = tmp_path / "budgets.yaml"
    budgets.write_text(BUDGETS)
    settings = BudgetMonitorSettings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'budgets.db'}",
        budgets_file=budgets,
        sse_keepalive_s=0.5,
    )
    app = build_monitor(
        settings,
        infra=InfraSettings(_env_file=None, redis_url=redis_url),
        keys=keys.store,
        start_consumers=False,
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    yield app, f"http://127.0.0.1:{port}"
    server.should_exit = True
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=10)


def billing_app(tmp_path, keys, monitor_url: str, redis_url: str):
    database_url = f"sqlite:///{tmp_path / 'ledger.db'}"
    app = build_app(
        BillingSettings(finalize_every_s=0),
        infra=InfraSettings(_env_file=None, database_url=database_url, redis_url=redis_url),
        keys=keys.store,
        start_consumer=False,
    )
    app.state.dashboard = DashboardSettings(budget_monitor_url=monitor_url)
    return app


@contextlib.asynccontextmanager
async def serving(app) -> AsyncIterator[str]:
    """Billing over real HTTP too: a streamed answer needs a server, not a transport."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=10)


def alert_of(customer: str) -> BudgetAlert:
    return BudgetAlert(
        alert_id=f"{customer}-monthly:2026-11:actual:50",
        budget_id=f"{customer}-monthly",
        period="2026-11",
        basis="actual",
        threshold_percent=Decimal(50),
        budget_amount=Decimal(10),
        spent=Decimal("5.004"),
        currency="USD",
        scope={"customer": customer},
        raised_at=datetime.now(UTC),
    )


async def next_event(lines: AsyncIterator[str]) -> dict[str, str]:
    block: dict[str, str] = {}
    async for line in lines:
        if not line and "id" in block:
            return block
        if line and not line.startswith(":"):
            name, _, value = line.partition(":")
            block[name] = value.strip()
    return block


async def test_budgets_and_alerts_pass_through_with_the_callers_key(
    tmp_path, keys, monitor, redis_url
):
    monitor_app, monitor_url = monitor
    app = billing_app(tmp_path, keys, monitor_url, redis_url)
    async with serving(app) as base, httpx.AsyncClient(base_url=base, timeout=10) as http:
        finance = await http.get("/v1/budget-monitor/budgets", headers=keys.bearer(keys.finance))
        assert finance.status_code == 200, finance.text
        assert {b["id"] for b in finance.json()["budgets"]} == {"acme-monthly", "globex-monthly"}
        own = await http.get("/v1/budget-monitor/budgets", headers=keys.bearer(keys.acme))
        assert [b["id"] for b in own.json()["budgets"]] == ["acme-monthly"]  # the monitor's rule
        status = await http.get(
            "/v1/budget-monitor/budgets/acme-monthly/status", headers=keys.bearer(keys.acme)
        )
        assert status.status_code == 200 and status.json()["amount"] == "10.00"
        theirs = await http.get(
            "/v1/budget-monitor/budgets/globex-monthly/status", headers=keys.bearer(keys.acme)
        )
        assert theirs.status_code == 403
        assert (await http.get("/v1/budget-monitor/budgets")).status_code == 401
        refused = await http.get("/v1/budget-monitor/alerts", headers=keys.bearer(keys.emitter))
        assert refused.status_code == 403

        store = monitor_app.state.parts.alerts
        query = {"access_token": keys.acme}  # as the page's EventSource sends it
        async with http.stream("GET", "/v1/budget-monitor/alerts/stream", params=query) as feed:
            assert feed.status_code == 200
            assert feed.headers["content-type"].startswith("text/event-stream")
            lines = feed.aiter_lines()
            for alert in (alert_of("globex"), alert_of("acme")):
                await store.mark_raised(alert.alert_id, codec.encode(alert).decode())
            event = await asyncio.wait_for(next_event(lines), timeout=10)
        assert event["id"] == "acme-monthly:2026-11:actual:50"  # globex's is not acme's
        assert codec.loads(event["data"])["spent"] == "5.004"

        listed = await http.get("/v1/budget-monitor/alerts", headers=keys.bearer(keys.finance))
        assert [a["budget_id"] for a in listed.json()["alerts"]] == [
            "acme-monthly",
            "globex-monthly",
        ]
        stranger = await http.get("/v1/budget-monitor/alerts/stream", params={"access_token": "x"})
        assert stranger.status_code == 401


async def test_a_monitor_that_does_not_answer_is_a_clear_502(tmp_path, keys, redis_url):
    dead = f"http://127.0.0.1:{free_port()}"
    app = billing_app(tmp_path, keys, dead, redis_url)
    async with serving(app) as base, httpx.AsyncClient(base_url=base, timeout=10) as http:
        for path in ("/v1/budget-monitor/budgets", "/v1/budget-monitor/alerts"):
            answer = await http.get(path, headers=keys.bearer(keys.finance))
            assert answer.status_code == 502
            assert answer.json()["detail"].startswith(
                f"the budget monitor does not answer at {dead}"
            )
        feed = await http.get(
            "/v1/budget-monitor/alerts/stream", params={"access_token": keys.finance}
        )
        assert feed.status_code == 502 and "does not answer" in feed.json()["detail"]
