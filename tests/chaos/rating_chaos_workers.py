"""Rating workers as killable child processes, and the stream of usage they share."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx

from chargeback.contracts import Topics, UsageEvent
from chargeback.kafka import partition_for
from chargeback_cli.demo import DemoCatalog
from chargeback_cli.embedded import ManagedProcess, free_port

PRIORITIES = ("batch", "interactive")
REGIONS = ("eu-west", "ap-south")


@dataclass
class Workers:
    bootstrap: str
    redis_url: str
    price_book: Path
    run_dir: Path
    processes: dict[str, ManagedProcess] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)

    def start(self, name: str) -> None:
        port = free_port()
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "REDIS_URL": self.redis_url,
            "CHARGEBACK_KEYS_FILE": str(self.run_dir / "keys.json"),
            "RATING_PORT": str(port),
            "CHARGEBACK_PRICE_BOOK": str(self.price_book),
            "LOG_LEVEL": "INFO",
        }
        log = self.run_dir / f"{name}-{len(self.processes)}.log"
        argv = [sys.executable, "-m", "rating"]
        self.processes[name] = ManagedProcess(name, argv, env=env, log_path=log).start()
        self.urls[name] = f"http://127.0.0.1:{port}"

    async def wait_ready(self, name: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=2) as http:
            while time.monotonic() < deadline:
                assert self.processes[name].alive(), f"{name} died; see {self.run_dir}"
                try:
                    if (await http.get(f"{self.urls[name]}/readyz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise TimeoutError(f"{name} not ready within {timeout:.0f}s")

    def kill(self, name: str) -> None:
        """SIGKILL: no shutdown, no flush, no commit; whatever was in flight is lost."""
        self.processes[name].kill()
        self.processes[name].stop()  # reaps nothing more; closes its log

    def log_lines(self, name: str, text: str) -> int:
        log = self.processes[name].log_path
        assert log is not None
        return sum(text in line for line in log.read_text(errors="replace").splitlines())

    async def wait_log(self, name: str, text: str, more_than: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while self.log_lines(name, text) <= more_than:
            assert time.monotonic() < deadline, f"{name} never logged {text!r} again"
            await asyncio.sleep(0.2)

    def pause(self, name: str) -> None:
        """SIGSTOP: the worker freezes mid-whatever; its group will give its partitions away."""
        os.killpg(self.processes[name].pid, signal.SIGSTOP)

    def resume(self, name: str) -> None:
        """SIGCONT: a zombie finishes the batch it was rating as if nothing had happened."""
        os.killpg(self.processes[name].pid, signal.SIGCONT)

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()


def balanced_customers(listed: tuple[str, ...], per_partition: int = 6) -> list[str]:
    """The price book's customers plus unlisted teams, as many on each partition (every
    worker then has work when one is killed)."""
    partitions = Topics.PARTITIONS[Topics.EVENTS]
    chosen = list(listed)
    count = Counter(partition_for(name, partitions) for name in chosen)
    for n in range(1000):
        name, where = f"team-{n:03d}", partition_for(f"team-{n:03d}", partitions)
        if count[where] < per_partition:
            chosen.append(name)
            count[where] += 1
    return chosen


def usage_stream(
    price_book: Path, count: int, duplicates: int, rng: random.Random
) -> list[UsageEvent]:
    """`count` distinct events and `duplicates` re-sent copies, each later than its original."""
    catalog = DemoCatalog.from_price_book(price_book)
    customers = balanced_customers(catalog.customers)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20)
    events = []
    for index in range(count):
        service, meter = rng.choice(catalog.meters)
        when = start + timedelta(seconds=rng.randrange(0, 19 * 86400))
        events.append(
            UsageEvent.model_validate(
                {
                    "specversion": "1.0",
                    "id": f"evt-{index}",
                    "source": f"//chaos/{service}",
                    "type": "dev.chargeback.usage.v1",
                    "subject": rng.choice(customers),
                    "time": when,
                    "data": {
                        "service": service,
                        "meter": meter,
                        "quantity": Decimal(rng.randrange(0, 5_000_000)).scaleb(
                            -rng.randrange(0, 4)
                        ),
                        "dimensions": {
                            "priority": rng.choice(PRIORITIES),
                            "region": rng.choice(REGIONS),
                        },
                    },
                    "ingesttime": when + timedelta(seconds=1),
                }
            )
        )
    for _ in range(duplicates):
        original = rng.randrange(0, count - 1)
        events.insert(rng.randrange(original + 1, len(events) + 1), events[original])
    return events
