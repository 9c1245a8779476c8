"""Helpers of metering's integration tests: the app on real parts, and reading topics."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import ConsumerRecord

from chargeback.auth import KeyStore
from chargeback.contracts import Topics
from chargeback.settings import InfraSettings
from metering.bootstrap import build_app
from metering.settings import MeteringSettings


def raw_event(number: int, *, customer: str = "acme", source: str = "src-a") -> dict[str, Any]:
    """A valid event of an hour ago: within the window metering accepts, whatever the date."""
    hour_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    return {
        "specversion": "1.0",
        "id": f"evt-{number}",
        "source": source,
        "type": "dev.chargeback.usage.v1",
        "subject": customer,
        "time": hour_ago.isoformat().replace("+00:00", "Z"),
        "data": {"service": "compute", "meter": "cpu-hours", "quantity": "0.25"},
    }


@asynccontextmanager
async def running_metering(
    bootstrap: str,
    redis_url: str,
    keys_dir: Path,
    *,
    validator: bool = False,
    producer: AIOKafkaProducer | None = None,
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """The app, its lifespan running, a client, and an emitter key for source src-a."""
    keys = KeyStore(keys_dir / "keys.json")
    plain, _ = keys.create("emitter", sources=("src-a",))
    infra = InfraSettings(kafka_bootstrap_servers=bootstrap, redis_url=redis_url)
    # A short session: the embedded broker makes a restarted group wait about twice it.
    settings = MeteringSettings(kafka_validator=validator, validator_session_timeout_ms=4000)
    app = build_app(settings, infra=infra, keys=keys, producer=producer)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://metering") as client:
            yield client, {"authorization": f"Bearer {plain}"}


async def read_topic(
    bootstrap: str, topic: str, *, until: int, timeout_s: float = 15.0, settle_s: float = 0.5
) -> list[ConsumerRecord]:
    """Every record of `topic` from the start, once `until` arrived (and a short settle)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, p) for p in range(Topics.PARTITIONS[topic])])
        records: list[ConsumerRecord] = []
        deadline = time.monotonic() + timeout_s
        settled_at: float | None = None
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for part in batch.values():
                records.extend(part)
            if len(records) >= until:
                settled_at = settled_at or time.monotonic()
                if time.monotonic() - settled_at >= settle_s:
                    break
            await asyncio.sleep(0)
        return records
    finally:
        await consumer.stop()
