"""The shapes of POST /v1/events: what it needs, what it answers, what OpenAPI shows."""

from __future__ import annotations

from dataclasses import dataclass

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


class RefusalAnswer(BaseModel):
    detail: str
    errors: list[dict[str, object]] = []


REQUEST_BODY = {
    "content": {
        STRUCTURED: {
            "schema": {"type": "object", "description": "one UsageEvent (CloudEvents 1.0)"}
        },
        BATCH: {"schema": {"type": "array", "items": {"type": "object"}}},
        BINARY: {
            "schema": {
                "type": "object",
                "description": "the event's data; attributes in "
                "ce-specversion, ce-id, ce-source, ce-type, ce-subject, ce-time",
            }
        },
    },
    "required": True,
}
