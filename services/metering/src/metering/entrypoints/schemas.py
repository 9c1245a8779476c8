"""The shapes of POST /v1/events: what it needs, what it answers, what OpenAPI shows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from pydantic import BaseModel

from chargeback.clock import Clock
from metering.domain.ports import DedupStore, EventPublisher
from metering.domain.time_bounds import TimeBounds
from metering.entrypoints.http_body import BATCH, BINARY, STRUCTURED, Limits
from metering.service_layer.ingest import DedupPolicy


@dataclass
class Ingestion:
    """What the endpoint needs, put on `app.state.ingestion` by the lifespan."""

    store: DedupStore
    publisher: EventPublisher
    policy: DedupPolicy
    limits: Limits
    bounds: TimeBounds  # how far from its arrival an event's time may lie
    clock: Clock  # when events arrive: for the time bounds and the ingest time stamp


class IngestAnswer(BaseModel):
    accepted: int
    duplicates: int
    duplicate_ids: list[str]


def _usage_event() -> dict[str, Any]:
    """The contract's UsageEvent schema (the shared library ships the same file)."""
    text = resources.files("chargeback.contracts").joinpath("usage-event.schema.json")
    schema: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return schema


USAGE_EVENT = _usage_event()
USAGE_DATA = {"$ref": "#/components/schemas/UsageEvent.usageData"}
REQUEST_BODY = {
    "description": "CloudEvents 1.0 in one of three HTTP modes, told apart by Content-Type",
    "content": {
        STRUCTURED: {"schema": USAGE_EVENT},
        BATCH: {"schema": {"type": "array", "items": USAGE_EVENT}},
        BINARY: {"schema": USAGE_DATA},
    },
    "required": True,
}
BINARY_HEADERS = {
    "specversion": ("1.0", "CloudEvents version"),
    "id": (None, "the event id (with the source, its identity)"),
    "source": (None, "the emitter"),
    "type": ("dev.chargeback.usage.v1", "the event type"),
    "subject": (None, "the customer"),
    "time": (None, "when the usage happened (RFC 3339)"),
}
PARAMETERS = [
    {
        "name": f"ce-{name}",
        "in": "header",
        "required": False,
        "description": f"Binary mode (body = the event's data): {what}; required there, "
        "ignored in structured and batch mode. Without a Content-Type the data is JSON.",
        "schema": {"type": "string", "maxLength": 512, **({"const": const} if const else {})},
    }
    for name, (const, what) in BINARY_HEADERS.items()
]
