"""Clients that send usage: over HTTP (CloudEvents batches) or straight to Kafka.

Both are small and synchronous so that scripts and cron jobs on the
infrastructure side can embed them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from chargeback import codec
from chargeback.contracts.events import USAGE_EVENT_TYPE
from chargeback.contracts.topics import Topics

BATCH_CONTENT_TYPE = "application/cloudevents-batch+json"


class EmitError(RuntimeError):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


def usage_event(
    *,
    source: str,
    customer: str,
    service: str,
    meter: str,
    quantity: Decimal | str,
    time: datetime | None = None,
    event_id: str | None = None,
    dimensions: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A usage event as a CloudEvents 1.0 structured-mode dict."""
    return {
        "specversion": "1.0",
        "id": event_id or str(uuid.uuid4()),
        "source": source,
        "type": USAGE_EVENT_TYPE,
        "subject": customer,
        "time": (time or datetime.now(UTC)).isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "data": {
            "service": service,
            "meter": meter,
            "quantity": str(quantity),
            "dimensions": dimensions or {},
        },
    }


class HttpEmitter:
    def __init__(self, metering_url: str, api_key: str, *, timeout: float = 30.0) -> None:
        self._client = httpx.Client(
            base_url=metering_url,
            timeout=timeout,
            headers={"Authorization": f"Bearer {api_key}"},
        )

    def send(self, events: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Send one batch; returns the counts of accepted and duplicate events."""
        response = self._client.post(
            "/v1/events",
            content=codec.dumps(list(events)),
            headers={"Content-Type": BATCH_CONTENT_TYPE},
        )
        body = response.json() if response.content else {}
        if response.status_code != 202:
            raise EmitError(response.status_code, body)
        return dict(body)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpEmitter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class KafkaEmitter:
    """Produces usage events to `usage.ingest`, where metering validates them."""

    def __init__(self, bootstrap_servers: str) -> None:
        from kafka import KafkaProducer

        self._producer = KafkaProducer(bootstrap_servers=bootstrap_servers, acks="all", linger_ms=5)

    def send(self, events: Sequence[dict[str, Any]]) -> int:
        futures = [
            self._producer.send(
                Topics.INGEST, key=str(e.get("subject", "")).encode(), value=codec.dumps(e)
            )
            for e in events
        ]
        for future in futures:
            future.get(timeout=30)
        return len(futures)

    def close(self) -> None:
        self._producer.close()
