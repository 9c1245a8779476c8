"""Records from usage.ingest: each is an event or a rejection with its reasons."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import timedelta
from decimal import Decimal

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord
from metering_fakes import BOUNDS, NOW, FakeDedupStore, FakePublisher, fixed_clock, raw_event
from prometheus_client import REGISTRY

from chargeback import codec
from chargeback.contracts import RejectedEvent, UsageEvent
from chargeback.contracts.rejections import FieldError
from chargeback.tracking import PartitionBatch, admits
from metering.domain import records
from metering.domain.records import Refusal
from metering.entrypoints.ingest_validator import IngestValidator
from metering.service_layer.ingest import DedupPolicy


def judge_record(value: bytes | None) -> UsageEvent | Refusal:
    """As the validator judges a record read at `NOW`, with the default bounds."""
    return records.judge_record(value, NOW, BOUNDS)


def test_a_valid_record_is_an_event() -> None:
    outcome = judge_record(json.dumps(raw_event()).encode())
    assert isinstance(outcome, UsageEvent)
    assert outcome.data.quantity == Decimal("1.5")


def test_an_invalid_record_is_rejected_with_every_field_error_and_its_payload() -> None:
    raw = raw_event(7, subject="", data={"service": "s", "meter": "m", "quantity": "x"})
    outcome = judge_record(json.dumps(raw).encode())
    assert isinstance(outcome, Refusal)
    rejected = outcome.rejected
    assert (rejected.stage, rejected.reason) == ("metering", "invalid_event")
    assert (rejected.event_id, rejected.event_source) == ("evt-7", "src-a")
    assert {e.field for e in rejected.errors} == {"subject", "data.quantity"}
    assert rejected.payload["id"] == "evt-7"
    # It survives the trip through the wire format.
    assert codec.decode(RejectedEvent, codec.encode(rejected)).errors == rejected.errors


def test_a_record_that_is_not_json_is_rejected_as_malformed() -> None:
    outcome = judge_record(b"\x00not json")
    assert isinstance(outcome, Refusal)
    assert outcome.rejected.reason == "malformed_json" and outcome.kind == "malformed_json"
    assert outcome.rejected.payload == "\x00not json"


def test_a_record_without_value_is_rejected() -> None:
    outcome = judge_record(None)
    assert isinstance(outcome, Refusal)
    assert outcome.rejected.errors[0].reason == "record has no value"


def test_a_record_with_a_time_out_of_bounds_is_rejected_with_the_reason() -> None:
    outcome = judge_record(json.dumps(raw_event(8, time="9999-12-31T20:00:00Z")).encode())
    assert isinstance(outcome, Refusal)
    assert (outcome.rejected.reason, outcome.kind) == ("invalid_event", "time_out_of_range")
    [error] = outcome.rejected.errors
    assert error.field == "time"
    assert error.reason.startswith("time 9999-12-31T20:00:00Z is more than 5 minutes in the future")
    assert outcome.rejected.rejected_at == NOW


class FakeOffsets:
    """`RedisOffsets` in memory, with the platform's fence."""

    def __init__(self) -> None:
        self.stored: dict[TopicPartition, int] = {}

    async def positions(self, partitions: Sequence[TopicPartition]) -> dict[TopicPartition, int]:
        return {tp: self.stored[tp] for tp in partitions if tp in self.stored}

    async def advance(
        self, moves: Mapping[TopicPartition, tuple[int, int]]
    ) -> dict[TopicPartition, int]:
        refused = {
            tp: self.stored[tp]
            for tp, (first, _) in moves.items()
            if not admits(self.stored.get(tp), first)
        }
        self.stored.update({tp: nxt for tp, (_, nxt) in moves.items() if tp not in refused})
        return refused


def ingested(offset: int, event: dict[str, object]) -> ConsumerRecord[bytes, bytes]:
    value = json.dumps(event).encode()
    return ConsumerRecord("usage.ingest", 0, offset, 0, 0, None, value, None, 0, len(value), [])


async def test_the_validator_rejects_a_record_out_of_bounds_by_its_clock(
    store: FakeDedupStore, publisher: FakePublisher
) -> None:
    labels = {"path": "kafka", "reason": "time_out_of_range"}
    before = REGISTRY.get_sample_value("metering_events_refused_total", labels) or 0.0
    offsets = FakeOffsets()
    validator = IngestValidator(
        store=store,
        publisher=publisher,
        offsets=offsets,  # type: ignore[arg-type]
        policy=DedupPolicy(3600, 60),
        bounds=BOUNDS,
        clock=fixed_clock,
    )
    too_old = raw_event(2, time="1970-01-01T00:00:00Z")
    at_the_limit = raw_event(3, time=(NOW - timedelta(days=35)).isoformat())
    batch = [ingested(0, raw_event(1)), ingested(1, too_old), ingested(2, at_the_limit)]
    tp = TopicPartition("usage.ingest", 0)
    outcomes = await validator.apply([PartitionBatch(tp, 0, 3, batch)])
    assert outcomes == {}  # applied

    assert [event.id for event in publisher.events] == ["evt-1", "evt-3"]
    assert all(event.ingesttime == NOW for event in publisher.events)
    [rejected] = publisher.rejections
    assert (rejected.event_id, rejected.reason) == ("evt-2", "invalid_event")
    assert rejected.errors == [
        FieldError(
            field="time",
            reason="time 1970-01-01T00:00:00Z is more than 35 days in the past "
            "(earliest accepted now: 2025-01-25T12:00:00Z)",
        )
    ]
    assert offsets.stored == {tp: 3}
    assert REGISTRY.get_sample_value("metering_events_refused_total", labels) == before + 1
