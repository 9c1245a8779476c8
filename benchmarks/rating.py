"""Rating workers alone: events/s through one and two workers, and recovery after a SIGKILL.

Each figure runs on a fresh embedded broker and Redis. Events are pre-loaded into
`usage.events` (keyed by customer, as metering does) and priced under the example
price book, which turns every pricing model and demand rule on (tiers, windows,
dimension modifiers, commitments, discounts).

- `rating_events_per_s_1_worker`: N pre-loaded events; one worker starts; events/s from
  the first charge seen on `usage.rated` to the N-th (the group join before it is excluded).
- `rating_scaling_2_workers`: the same with two workers started together, as a ratio.
- `fault_recovery_s`: two workers rate a stream; one is SIGKILLed mid-stream (and
  restarted). Measured from the SIGKILL to the first new charge on a partition the
  killed worker owned, i.e. how long its partitions stall. The group cannot notice a
  dead member before the session timeout (10 s on the embedded broker).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from chargeback import codec
from chargeback.contracts import Topics
from chargeback.emitter import usage_event
from chargeback.kafka import ensure_topics, make_producer, partition_for
from chargeback_cli.demo import DemoCatalog
from chargeback_cli.embedded import EmbeddedBroker, EmbeddedRedis, ManagedProcess, free_port
from chargeback_cli.stack import DEFAULT_PRICE_BOOK

EVENTS = int(os.environ.get("BENCH_RATING_EVENTS", "60000"))
PRIORITIES = ("batch", "interactive", "standard")
REGIONS = ("eu-west", "us-east", "ap-south")


def balanced_customers(listed: tuple[str, ...], per_partition: int = 4) -> list[str]:
    """The price book's customers plus unlisted teams, as many on every partition."""
    partitions = Topics.PARTITIONS[Topics.EVENTS]
    chosen, count = list(listed), Counter(partition_for(c, partitions) for c in listed)
    for n in range(1000):
        name = f"team-{n:03d}"
        if count[partition_for(name, partitions)] < per_partition:
            chosen.append(name)
            count[partition_for(name, partitions)] += 1
    return chosen


def synthetic_events(
    price_book: Path, count: int, *, seed: int = 11, start: datetime | None = None
) -> Iterator[dict[str, Any]]:
    """Usage over four weeks: every meter, customers on every partition, rules triggered."""
    catalog = DemoCatalog.from_price_book(price_book)
    customers = balanced_customers(catalog.customers)
    rng = random.Random(seed)
    start = start or datetime.now(UTC).replace(microsecond=0) - timedelta(days=28)
    for index in range(count):
        service, meter = rng.choice(catalog.meters)
        when = start + timedelta(seconds=rng.randrange(0, 27 * 86400))
        event = usage_event(
            source=f"bench://{service}",
            customer=rng.choice(customers),
            service=service,
            meter=meter,
            quantity=Decimal(rng.randint(1, 50_000)) / 100,
            time=when,
            event_id=f"e{seed}-{index}",
            dimensions={"priority": rng.choice(PRIORITIES), "region": rng.choice(REGIONS)},
        )
        event["ingesttime"] = (when + timedelta(seconds=2)).isoformat().replace("+00:00", "Z")
        yield event


async def preload(bootstrap: str, events: list[dict[str, Any]]) -> None:
    await ensure_topics(bootstrap)
    producer = make_producer(bootstrap)
    await producer.start()
    try:
        pending = [
            await producer.send(Topics.EVENTS, codec.dumps(e), key=e["subject"].encode())
            for e in events
        ]
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


@dataclass
class Workers:
    """`python -m rating` processes on free ports, sharing one broker, Redis and price book."""

    bootstrap: str
    redis: str
    run_dir: Path
    price_book: Path = DEFAULT_PRICE_BOOK

    def __post_init__(self) -> None:
        self.processes: dict[str, ManagedProcess] = {}
        self.ports: dict[str, int] = {}

    def start(self, name: str) -> ManagedProcess:
        port = self.ports.setdefault(name, free_port())
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "REDIS_URL": self.redis,
            "CHARGEBACK_KEYS_FILE": str(self.run_dir / "keys.json"),
            "RATING_PORT": str(port),
            "CHARGEBACK_PRICE_BOOK": str(self.price_book),
            "RATING_DATA_DIR": str(self.run_dir / f"data-{name}"),
            "LOG_LEVEL": "INFO",  # assignments are logged at INFO (the fault run reads them)
        }
        argv = [sys.executable, "-m", "rating"]
        log = self.run_dir / f"{name}.log"  # appended to across restarts
        self.processes[name] = ManagedProcess(name, argv, env=env, log_path=log).start()
        return self.processes[name]

    def wait_ready(self, name: str, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.processes[name].alive():
                raise RuntimeError(f"{name} died:\n{(self.run_dir / f'{name}.log').read_text()}")
            try:
                url = f"http://127.0.0.1:{self.ports[name]}/readyz"
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{name} not ready after {timeout:.0f}s")

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()


class RatedWatcher:
    """Follows how many charges `usage.rated` holds (its high watermarks), without reading them.

    Reading every charge would cost this process as much CPU as a worker spends producing
    them, on the same two cores; a tiny fetch at the log end only learns the watermark.
    """

    def __init__(self, bootstrap: str) -> None:
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            enable_auto_commit=False,
            fetch_max_wait_ms=20,
            max_partition_fetch_bytes=1024,
        )
        self.partitions = [
            TopicPartition(Topics.RATED, p) for p in range(Topics.PARTITIONS[Topics.RATED])
        ]
        self.seen: list[tuple[float, int]] = []  # (monotonic time, partition) per new charge
        self.marks: dict[int, int] = {}

    async def __aenter__(self) -> RatedWatcher:
        await self.consumer.start()
        self.consumer.assign(self.partitions)
        for tp in self.partitions:
            self.consumer.seek(tp, 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.consumer.stop()

    async def poll(self) -> None:
        await self.consumer.getmany(timeout_ms=50, max_records=1)
        now = time.monotonic()
        for tp in self.partitions:
            high = self.consumer.highwater(tp)
            if high is None or high <= self.marks.get(tp.partition, 0):
                continue
            self.seen.extend(
                (now, tp.partition) for _ in range(high - self.marks.get(tp.partition, 0))
            )
            self.marks[tp.partition] = high
            self.consumer.seek(tp, high)

    async def follow(self) -> None:
        while True:
            await self.poll()

    async def until(self, count: int, within_s: float) -> None:
        deadline = time.monotonic() + within_s
        while len(self.seen) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(self.seen)} of {count} charges after {within_s:.0f}s")
            await self.poll()


async def throughput(workers: int, count: int) -> float:
    """Events/s through `workers` rating workers, on a fresh broker and Redis."""
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp)
        with (
            EmbeddedBroker(log_path=run / "broker.log") as broker,
            EmbeddedRedis(log_path=run / "redis.log") as redis,
        ):
            pool = Workers(broker.bootstrap_servers, redis.url, run)
            await preload(broker.bootstrap_servers, list(synthetic_events(pool.price_book, count)))
            try:
                async with RatedWatcher(broker.bootstrap_servers) as watcher:
                    for index in range(workers):
                        pool.start(f"rating-{index}")
                    await watcher.until(count, within_s=600)
            finally:
                pool.stop()
    first, last = watcher.seen[0][0], watcher.seen[count - 1][0]
    return count / max(last - first, 1e-6)


def owned_partitions(log: Path) -> set[int]:
    """The partitions a worker was last assigned, from its log."""
    lines = [line for line in log.read_text().splitlines() if '"assigned ' in line]
    message = json.loads(lines[-1])["msg"]
    return {int(p) for p in re.findall(r"usage\.events\[(\d+)\]", message)}


async def steady_stream(bootstrap: str, price_book: Path, rate: int, seconds: float) -> None:
    """`rate` events a second for `seconds`, in tenths of a second."""
    producer = make_producer(bootstrap)
    await producer.start()
    try:
        events = synthetic_events(price_book, int(rate * seconds), seed=23)
        started = time.monotonic()
        for tick in range(int(seconds * 10)):
            await asyncio.sleep(max(0.0, started + tick / 10 - time.monotonic()))
            for event in [next(events) for _ in range(rate // 10)]:
                await producer.send(
                    Topics.EVENTS, codec.dumps(event), key=event["subject"].encode()
                )
        await producer.flush()
    finally:
        await producer.stop()


async def fault_recovery(rate: int = 2000) -> float:
    """Seconds from SIGKILLing one of two workers to every one of its partitions rating again.

    Two workers rate a steady stream; one is killed (and restarted after a second, as a
    supervisor would). The killed worker's partitions stall until the group notices
    (session timeout) and hands them over; progress is seen on `usage.rated`, whose
    partitions match those of `usage.events` (both keyed by customer).
    """
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp)
        with (
            EmbeddedBroker(log_path=run / "broker.log") as broker,
            EmbeddedRedis(log_path=run / "redis.log") as redis,
        ):
            await ensure_topics(broker.bootstrap_servers)
            pool = Workers(broker.bootstrap_servers, redis.url, run)
            try:
                for name in ("a", "b"):
                    pool.start(name)
                for name in ("a", "b"):
                    pool.wait_ready(name)
                streaming = asyncio.create_task(
                    steady_stream(broker.bootstrap_servers, pool.price_book, rate, 40)
                )
                async with RatedWatcher(broker.bootstrap_servers) as watcher:
                    following = asyncio.create_task(watcher.follow())
                    await asyncio.sleep(8)
                    stalled = owned_partitions(run / "a.log")
                    pool.processes["a"].kill()
                    killed_at = time.monotonic()
                    await asyncio.sleep(1.0)
                    pool.processes["a"].stop()
                    pool.start("a")
                    await asyncio.sleep(0.5)  # charges in flight at the kill have landed
                    marks = {p: watcher.marks.get(p, 0) for p in stalled}
                    resumed: dict[int, float] = {}
                    while len(resumed) < len(stalled):
                        await asyncio.sleep(0.02)
                        for p in stalled:
                            if p not in resumed and watcher.marks.get(p, 0) > marks[p]:
                                resumed[p] = time.monotonic()
                        if time.monotonic() - killed_at > 120:
                            raise TimeoutError("the killed worker's partitions never resumed")
                    following.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await following
                streaming.cancel()
            finally:
                pool.stop()
    return max(resumed.values()) - killed_at


def run() -> dict[str, float]:
    one = asyncio.run(throughput(1, EVENTS))
    print(f"rating, 1 worker:  {one:,.0f} events/s", flush=True)
    two = asyncio.run(throughput(2, EVENTS))
    print(f"rating, 2 workers: {two:,.0f} events/s ({two / one:.2f}×)", flush=True)
    recovery = asyncio.run(fault_recovery())
    print(f"fault recovery (SIGKILL to the partitions rating again): {recovery:.1f} s", flush=True)
    return {
        "rating_events_per_s_1_worker": one,
        "rating_scaling_2_workers": two / one,
        "fault_recovery_s": recovery,
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value:,.3f}")
