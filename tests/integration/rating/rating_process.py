"""`python -m rating` as a child process for integration tests, and reading its output topics."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from chargeback.contracts import Topics
from chargeback_cli.embedded import ManagedProcess, free_port

TIMEOUT_S = 60.0


async def eventually(
    check: Callable[[], Awaitable[bool]], what: str, timeout: float = TIMEOUT_S
) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f}s: {what}")
        await asyncio.sleep(0.2)


def rating_process(
    name: str, *, bootstrap: str, redis_url: str, price_book: Path, keys: Path, logs: Path
) -> tuple[ManagedProcess, str]:
    """A worker on a free port (not started), and its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "REDIS_URL": redis_url,
        "CHARGEBACK_KEYS_FILE": str(keys),
        "RATING_PORT": str(port),
        "CHARGEBACK_PRICE_BOOK": str(price_book),
        "LOG_LEVEL": "INFO",
    }
    argv = [sys.executable, "-m", "rating"]
    return ManagedProcess(
        name, argv, env=env, log_path=logs / f"{name}.log"
    ), f"http://127.0.0.1:{port}"


async def wait_ready(process: ManagedProcess, base: str, log: Path) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=5) as http:

        async def ready() -> bool:
            try:
                return (await http.get("/readyz")).status_code == 200
            except httpx.TransportError:
                assert process.alive(), log.read_text()
                return False

        await eventually(ready, f"{process.name} is ready")


async def read_outputs(
    bootstrap: str, rated: int, rejected: int
) -> tuple[list[ConsumerRecord], list[ConsumerRecord]]:
    """Every record of usage.rated and usage.rejected, once `rated` and `rejected` arrived."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(
            [TopicPartition(Topics.RATED, p) for p in range(Topics.PARTITIONS[Topics.RATED])]
            + [TopicPartition(Topics.REJECTED, 0)]
        )
        for tp in consumer.assignment():
            consumer.seek(tp, 0)
        got: dict[str, list[ConsumerRecord]] = {Topics.RATED: [], Topics.REJECTED: []}

        async def all_arrived() -> bool:
            for tp, records in (await consumer.getmany(timeout_ms=200)).items():
                got[tp.topic].extend(records)
            return len(got[Topics.RATED]) >= rated and len(got[Topics.REJECTED]) >= rejected

        await eventually(all_arrived, f"{rated} rated and {rejected} rejected records")
        await asyncio.sleep(0.5)  # anything beyond the expected count would be a bug: catch it
        await all_arrived()
        return got[Topics.RATED], got[Topics.REJECTED]
    finally:
        await consumer.stop()
