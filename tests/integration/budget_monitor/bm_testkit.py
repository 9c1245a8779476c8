"""What the budget monitor's integration tests share: a webhook receiver, Kafka helpers."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web
from aiokafka import AIOKafkaConsumer, TopicPartition


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class Receiver:
    """A webhook subscriber: answers 200 (`failing_status` while `failing`), records
    every request."""

    port: int
    failing: bool = False
    failing_status: int = 503
    requests: list[Delivery] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def accepted(self) -> list[Delivery]:
        return [d for d in self.requests if d.status == 200]

    async def handle(self, request: web.Request) -> web.Response:
        status = self.failing_status if self.failing else 200
        headers = {k.lower(): v for k, v in request.headers.items()}
        self.requests.append(Delivery(headers, await request.read(), status))
        return web.Response(status=status)


def verify_standard_webhook(delivery: Delivery, secret: str, *, tolerance_s: int = 300) -> bool:
    """Standard Webhooks v1, written here from the specification (not the project's signer)."""
    if secret.startswith("whsec_"):
        key = base64.b64decode(secret[len("whsec_") :])
    else:
        key = secret.encode()
    msg_id = delivery.headers["webhook-id"]
    timestamp = delivery.headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance_s:
        return False
    content = msg_id.encode() + b"." + timestamp.encode() + b"." + delivery.body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    offered = delivery.headers["webhook-signature"].split(" ")
    return any(
        version == "v1" and hmac.compare_digest(sig, expected)
        for version, _, sig in (s.partition(",") for s in offered)
    )


async def read_topic(bootstrap: str, topic: str, *, settle_s: float = 1.5) -> list:
    """Every record of partition 0 of `topic` (no consumer group involved)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        consumer.seek(tp, 0)
        records, quiet_since = [], time.monotonic()
        while time.monotonic() - quiet_since < settle_s:
            batch = await consumer.getmany(tp, timeout_ms=200)
            if batch.get(tp):
                records += batch[tp]
                quiet_since = time.monotonic()
        return records
    finally:
        await consumer.stop()


async def eventually(predicate: Callable[[], object], timeout: float = 60.0) -> object:
    """Polls `predicate` (sync or async) until it is truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout}s")
        await asyncio.sleep(0.2)
