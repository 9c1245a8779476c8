"""The server-sent-events feed over a real HTTP server: live alerts with their ids,
keep-alive comments, resumption with Last-Event-ID, keys by header or query."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
import uvicorn

from budget_monitor.bootstrap import build_app
from budget_monitor.domain import alert_id
from budget_monitor.settings import BudgetMonitorSettings
from chargeback import codec
from chargeback.auth import KeyStore
from chargeback.contracts import BudgetAlert
from chargeback.settings import InfraSettings
from chargeback_cli.embedded import free_port

pytestmark = pytest.mark.integration


def alert(threshold: int, customer: str) -> BudgetAlert:
    budget = f"{customer}-monthly"
    return BudgetAlert(
        alert_id=alert_id(budget, "2026-11", "actual", Decimal(threshold)),
        budget_id=budget,
        period="2026-11",
        basis="actual",
        threshold_percent=Decimal(threshold),
        budget_amount=Decimal(10),
        spent=Decimal(threshold) / 10,
        currency="USD",
        scope={"customer": customer},
        raised_at=datetime.now(UTC),
    )


async def frames(lines: AsyncIterator[str], count: int) -> list[dict[str, str]]:
    """The next `count` events (comments and the retry hint are kept as they are)."""
    found: list[dict[str, str]] = []
    block: dict[str, str] = {}
    async for line in lines:
        if line == "":
            if block:
                found.append(block)
                block = {}
            if len(found) == count:
                return found
            continue
        name, _, value = line.partition(":")
        block[name or "comment"] = value.strip()
    return found


@pytest.fixture
async def server(tmp_path, redis_url):
    keys = KeyStore(tmp_path / "keys.json")
    made = {
        "finance": keys.create("finance")[0],
        "acme": keys.create("customer", customer="acme")[0],
        "emitter": keys.create("emitter", sources=("*",))[0],
    }
    settings = BudgetMonitorSettings(
        _env_file=None, database_url=f"sqlite:///{tmp_path / 'b.db'}", sse_keepalive_s=0.3
    )
    app = build_app(
        settings,
        infra=InfraSettings(_env_file=None, redis_url=redis_url),
        keys=keys,
        start_consumers=False,
    )
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    running = uvicorn.Server(config)
    task = asyncio.create_task(running.serve())
    while not running.started:
        await asyncio.sleep(0.05)
    yield app, f"http://127.0.0.1:{port}", made
    running.should_exit = True
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=10)


async def test_alerts_stream_live_and_resume_from_the_last_event_id(server):
    app, base, made = server
    store = app.state.parts.alerts
    mine, theirs, later = alert(50, "acme"), alert(50, "globex"), alert(80, "acme")
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        assert (await http.get("/v1/alerts/stream")).status_code == 401
        wrong = await http.get("/v1/alerts/stream", params={"access_token": made["emitter"]})
        assert wrong.status_code == 403
        # The customer key, as a browser's EventSource sends it: in the query.
        query = {"access_token": made["acme"]}
        async with http.stream("GET", "/v1/alerts/stream", params=query) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.aiter_lines()
            hint = await frames(lines, 1)
            assert hint == [{"retry": "3000"}]
            for message in (theirs, mine):
                await store.mark_raised(message.alert_id, codec.encode(message).decode())
            got = await frames(lines, 2)
        events = [f for f in got if "id" in f]
        assert [e["id"] for e in events] == [mine.alert_id]  # globex's is not acme's to see
        assert events[0]["event"] == "budget.alert"
        assert json.loads(events[0]["data"])["budget_id"] == "acme-monthly"

        # Gone for a while: one more alert; reconnecting with the last id seen resumes.
        await store.mark_raised(later.alert_id, codec.encode(later).decode())
        headers = {"Authorization": f"Bearer {made['finance']}", "Last-Event-ID": mine.alert_id}
        async with http.stream("GET", "/v1/alerts/stream", headers=headers) as stream:
            got = await frames(stream.aiter_lines(), 3)
        ids = [f["id"] for f in got if "id" in f]
        assert ids == [later.alert_id]
        assert {"comment": "keep-alive"} in got  # nothing new: the feed keeps the line open
