"""The platform end to end: HTTP ingestion, then every event through rating into the ledger.

Two phases on one running platform. Saturation: batches of 500 from four clients as
fast as metering takes them (ingestion and pipeline throughput, latency with queues
full). Paced: a steady load well below capacity, as production normally runs
(the headline ingestion-to-ledger latency).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import sqlalchemy

from chargeback import codec
from chargeback.emitter import BATCH_CONTENT_TYPE
from chargeback_cli.demo import DemoCatalog, demo_events
from chargeback_cli.stack import Stack


@dataclass
class PipelineFigures:
    ingest_events_per_s: float
    pipeline_events_per_s: float
    ingest_to_ledger_p50_ms: float
    ingest_to_ledger_p99_ms: float
    ingest_to_ledger_p50_ms_saturated: float
    ingest_to_ledger_p99_ms_saturated: float
    paced_events_per_s: float


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


class Sender:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.events = demo_events(DemoCatalog.from_price_book(stack.config.price_book), seed=7)

    def batches(self, count: int, size: int) -> list[bytes]:
        return [codec.dumps([next(self.events) for _ in range(size)]) for _ in range(count)]

    def client(self) -> httpx.AsyncClient:
        headers = {
            "Authorization": f"Bearer {self.stack.emitter_key}",
            "Content-Type": BATCH_CONTENT_TYPE,
        }
        return httpx.AsyncClient(base_url=self.stack.url("metering"), timeout=60, headers=headers)

    @staticmethod
    async def post(client: httpx.AsyncClient, body: bytes) -> None:
        answer = await client.post("/v1/events", content=body)
        if answer.status_code != 202:
            raise RuntimeError(f"ingestion refused: {answer.status_code} {answer.text}")

    async def flood(self, batches: list[bytes], concurrency: int = 4) -> float:
        """Seconds to have every batch accepted, `concurrency` requests in flight."""
        queue = list(reversed(batches))
        async with self.client() as client:

            async def worker() -> None:
                while queue:
                    await self.post(client, queue.pop())

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            return time.perf_counter() - started

    async def paced(self, batches: list[bytes], interval_s: float) -> None:
        async with self.client() as client:
            started = time.perf_counter()
            sends = []
            for i, body in enumerate(batches):
                await asyncio.sleep(max(0.0, started + i * interval_s - time.perf_counter()))
                sends.append(asyncio.create_task(self.post(client, body)))
            await asyncio.gather(*sends)


def _utc(value: object) -> datetime:
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(parsed, datetime)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def ledger_rows(database_url: str, count: int, timeout: float = 600.0) -> list[tuple]:
    """(ingested_at, recorded_at) of every charge, once the ledger holds `count` of them."""
    engine = sqlalchemy.create_engine(database_url)
    query = sqlalchemy.text("select ingested_at, recorded_at from rated_charges")
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                rows = conn.execute(query).all()
            if len(rows) >= count:
                return [(_utc(a), _utc(b)) for a, b in rows]
            time.sleep(0.25)
        raise TimeoutError(f"ledger has {len(rows)} of {count} charges after {timeout:.0f}s")
    finally:
        engine.dispose()


def latencies_ms(rows: list[tuple], since: datetime) -> list[float]:
    return [(rec - ing).total_seconds() * 1000 for ing, rec in rows if ing >= since]


def measure(stack: Stack, count: int, paced_rate: int = 1000, paced_s: int = 15) -> PipelineFigures:
    sender = Sender(stack)
    flood = sender.batches(count // 500, 500)
    started = datetime.now(UTC)
    ingest_s = asyncio.run(sender.flood(flood))
    rows = ledger_rows(stack.database, count)
    finished = max(recorded for _, recorded in rows)
    saturated = latencies_ms(rows, started)

    per_batch = paced_rate // 10
    paced = sender.batches(paced_s * 10, per_batch)
    paced_start = datetime.now(UTC)
    asyncio.run(sender.paced(paced, interval_s=0.1))
    steady = latencies_ms(ledger_rows(stack.database, count + len(paced) * per_batch), paced_start)
    return PipelineFigures(
        ingest_events_per_s=count / ingest_s,
        pipeline_events_per_s=len(rows) / (finished - started).total_seconds(),
        ingest_to_ledger_p50_ms=percentile(steady, 0.50),
        ingest_to_ledger_p99_ms=percentile(steady, 0.99),
        ingest_to_ledger_p50_ms_saturated=percentile(saturated, 0.50),
        ingest_to_ledger_p99_ms_saturated=percentile(saturated, 0.99),
        paced_events_per_s=float(paced_rate),
    )
