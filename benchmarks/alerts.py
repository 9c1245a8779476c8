"""Alert latency: from the HTTP ingestion of the usage event that crosses a budget
threshold to the signed webhook arriving at a local subscriber, on the whole platform
(`chargeback_cli.stack.Stack`), under a steady background load through the metering API.

Each of BUDGETS budgets (one per benchmark customer, amount 1.00 USD, thresholds 50
and 100 %) is crossed twice by single-event requests spaced over the run; the alert
names the event that crossed (`triggered_by_event_id`), so each webhook is matched
to the moment its event was posted. The budget monitor's own share is measured too:
from the charge's `rated_at` (set by rating, read from `usage.rated`) to the webhook.

    python -m benchmarks.alerts      # prints the figures
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import yaml
from aiokafka import AIOKafkaConsumer

from benchmarks.pipeline import percentile
from chargeback import codec
from chargeback.contracts import Topics
from chargeback.emitter import BATCH_CONTENT_TYPE, usage_event
from chargeback.settings import InfraSettings
from chargeback_cli.demo import DemoCatalog, demo_events
from chargeback_cli.stack import DEFAULT_PRICE_BOOK, Stack, StackConfig

BUDGETS = 150  # x 2 thresholds = 300 crossings
BACKGROUND_PER_S = 2000  # the pipeline's paced benchmark runs 1,000/s; saturation is ~3,000/s
MAX_IN_FLIGHT = 8  # background requests; beyond, ticks are skipped (the rate reached is shown)
SPACING_S = 0.05  # between crossing events
CPU_HOURS = "15"  # 15 x 0.0416 = 0.624: over 50 % of 1.00, and twice over 100 % (no TOU rules)


class Subscriber:
    """Records when each webhook arrives (wall clock and monotonic), by webhook id."""

    def __init__(self) -> None:
        self.arrivals: dict[str, tuple[float, float, dict[str, Any]]] = {}
        self.all_arrived = threading.Event()
        subscriber = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                stamp = (time.perf_counter(), time.time())
                alert = json.loads(body)
                subscriber.arrivals.setdefault(self.headers["webhook-id"], (*stamp, alert))
                if len(subscriber.arrivals) >= 2 * BUDGETS:
                    subscriber.all_arrived.set()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def customers() -> list[str]:
    return [f"bench-{i:03d}" for i in range(BUDGETS)]


def _plain(value: Any) -> Any:
    """The document with YAML's timestamps written back as RFC 3339 strings."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value


def write_config(tmp: Path) -> tuple[Path, Path]:
    book = _plain(yaml.safe_load(DEFAULT_PRICE_BOOK.read_text()))
    book["customers"] = dict(book.get("customers") or {}) | {
        c: {"name": c, "cost_center": "CC-BENCH"} for c in customers()
    }
    # No time-of-use windows: an off-peak discount at night would keep the second event
    # under 100 %, so the crossings would depend on the hour the benchmark runs.
    book["demand_rules"] = {
        k: v for k, v in (book.get("demand_rules") or {}).items() if k != "time_of_use"
    }
    price_book = tmp / "pricebook.yaml"
    price_book.write_text(yaml.safe_dump(book, sort_keys=False))
    budgets = [
        {
            "id": f"{c}-m",
            "customer": c,
            "amount": "1.00",
            "currency": "USD",
            "thresholds": [50, 100],
        }
        for c in customers()
    ]
    budgets_file = tmp / "budgets.yaml"
    budgets_file.write_text(yaml.safe_dump({"budgets": budgets, "webhooks": []}))
    return price_book, budgets_file


async def background(stack: Stack, stop: asyncio.Event) -> float:
    """Demo usage of the price book's own customers at BACKGROUND_PER_S, until `stop`;
    the rate reached (events accepted per second)."""
    catalog = DemoCatalog.from_price_book(DEFAULT_PRICE_BOOK)
    events = demo_events(catalog, seed=11)
    per_tick = BACKGROUND_PER_S // 10
    headers = {"Authorization": f"Bearer {stack.emitter_key}", "Content-Type": BATCH_CONTENT_TYPE}
    accepted = 0

    async def post(client: httpx.AsyncClient, body: bytes) -> None:
        nonlocal accepted
        answer = await client.post("/v1/events", content=body)
        if answer.status_code == 202:
            accepted += int(answer.json()["accepted"])

    async with httpx.AsyncClient(base_url=stack.url("metering"), headers=headers, timeout=60) as c:
        started, tick, pending = time.perf_counter(), 0, set()
        while not stop.is_set():
            pending = {t for t in pending if not t.done()}
            if len(pending) < MAX_IN_FLIGHT:
                body = codec.dumps([next(events) for _ in range(per_tick)])
                pending.add(asyncio.create_task(post(c, body)))
            tick += 1
            await asyncio.sleep(max(0.0, started + tick * 0.1 - time.perf_counter()))
        await asyncio.gather(*pending)
        return accepted / (time.perf_counter() - started)


async def crossings(stack: Stack) -> dict[str, float]:
    """Posts each crossing event alone; when each post started, by event id."""
    posted: dict[str, float] = {}
    headers = {
        "Authorization": f"Bearer {stack.emitter_key}",
        "Content-Type": "application/cloudevents+json",
    }
    async with httpx.AsyncClient(base_url=stack.url("metering"), headers=headers, timeout=30) as c:
        for _ in range(2):
            for customer in customers():
                event = usage_event(
                    source="bench://alerts",
                    customer=customer,
                    service="compute",
                    meter="cpu_hours",
                    quantity=CPU_HOURS,
                )
                for _attempt in range(5):  # 503: metering enqueued nothing; say again
                    posted[event["id"]] = time.perf_counter()
                    answer = await c.post("/v1/events", content=json.dumps(event))
                    if answer.status_code != 503:
                        break
                if answer.status_code != 202:
                    raise RuntimeError(f"refused: {answer.status_code} {answer.text}")
                await asyncio.sleep(SPACING_S)
    return posted


async def rated_times(bootstrap: str, wanted: set[str], stop: asyncio.Event) -> dict[str, float]:
    """`rated_at` (epoch seconds) of the charges of `wanted` event ids, from usage.rated."""
    found: dict[str, float] = {}
    consumer = AIOKafkaConsumer(
        Topics.RATED, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    try:
        while not (stop.is_set() and wanted <= set(found)):
            batch = await consumer.getmany(timeout_ms=200, max_records=5000)
            for records in batch.values():
                for record in records:
                    if b"bench://alerts" not in record.value:
                        continue
                    charge = json.loads(record.value)
                    rated = datetime.fromisoformat(charge["rated_at"].replace("Z", "+00:00"))
                    found[charge["event_id"]] = rated.timestamp()
            if stop.is_set() and not batch:
                break
    finally:
        await consumer.stop()
    return found


async def measure(stack: Stack, subscriber: Subscriber) -> dict[str, float]:
    stop, done_rating = asyncio.Event(), asyncio.Event()
    load = asyncio.create_task(background(stack, stop))
    await asyncio.sleep(3)  # the load runs steadily before the first crossing
    posted = await crossings(stack)
    rated_task = asyncio.create_task(rated_times(stack.kafka, set(posted), done_rating))
    await asyncio.to_thread(subscriber.all_arrived.wait, 60)
    stop.set()
    rate = await load
    done_rating.set()
    rated = await asyncio.wait_for(rated_task, timeout=60)
    total, share = [], []
    for arrived, wall, alert in subscriber.arrivals.values():
        event_id = alert.get("triggered_by_event_id")
        if event_id in posted:
            total.append((arrived - posted[event_id]) * 1000)
            if event_id in rated:
                share.append((wall - rated[event_id]) * 1000)
    if len(total) < 2 * BUDGETS:
        kinds: dict[str, int] = {}
        for _, _, alert in subscriber.arrivals.values():
            kind = f"{alert['basis']} {alert['threshold_percent']} %"
            kinds[kind] = kinds.get(kind, 0) + 1
        raise RuntimeError(f"{len(total)} of {2 * BUDGETS} alerts arrived: {kinds}")
    return {
        "alert_latency_p50_ms": percentile(total, 0.50),
        "alert_latency_p99_ms": percentile(total, 0.99),
        "alert_monitor_share_p50_ms": percentile(share, 0.50),
        "alert_monitor_share_p99_ms": percentile(share, 0.99),
        "alert_crossings": float(len(total)),
        "alert_background_events_per_s": rate,
    }


def run() -> dict[str, float]:
    subscriber = Subscriber()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            price_book, budgets = write_config(Path(tmp))
            config = StackConfig(
                run_dir=Path(tmp) / "run",
                infra=InfraSettings(),
                price_book=price_book,
                budgets_file=budgets,
            )
            with Stack(config).start() as stack:
                made = httpx.post(
                    f"{stack.url('budget-monitor')}/v1/subscriptions",
                    json={"url": subscriber.url, "description": "benchmark"},
                    headers={"Authorization": f"Bearer {stack.finance_key}"},
                    timeout=30,
                )
                made.raise_for_status()
                return asyncio.run(measure(stack, subscriber))
    finally:
        subscriber.close()


def report(figures: dict[str, float]) -> None:
    print(
        f"alert latency, ingestion to webhook, {figures['alert_crossings']:.0f} crossings under "
        f"{figures['alert_background_events_per_s']:,.0f} events/s: "
        f"p50 {figures['alert_latency_p50_ms']:,.0f} ms, "
        f"p99 {figures['alert_latency_p99_ms']:,.0f} ms"
    )
    print(
        f"  of which the budget monitor (rated charge to webhook): "
        f"p50 {figures['alert_monitor_share_p50_ms']:,.0f} ms, "
        f"p99 {figures['alert_monitor_share_p99_ms']:,.0f} ms"
    )


if __name__ == "__main__":
    report(run())
