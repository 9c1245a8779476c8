"""Records from usage.ingest: each is an event or a rejection with its reasons."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from metering_fakes import raw_event

from chargeback import codec
from chargeback.contracts import RejectedEvent, UsageEvent
from metering.domain.records import Refusal, judge_record

NOW = datetime(2025, 3, 1, tzinfo=UTC)


def test_a_valid_record_is_an_event() -> None:
    outcome = judge_record(json.dumps(raw_event()).encode(), NOW)
    assert isinstance(outcome, UsageEvent)
    assert outcome.data.quantity == Decimal("1.5")


def test_an_invalid_record_is_rejected_with_every_field_error_and_its_payload() -> None:
    raw = raw_event(7, subject="", data={"service": "s", "meter": "m", "quantity": "x"})
    outcome = judge_record(json.dumps(raw).encode(), NOW)
    assert isinstance(outcome, Refusal)
    rejected = outcome.rejected
    assert (rejected.stage, rejected.reason) == ("metering", "invalid_event")
    assert (rejected.event_id, rejected.event_source) == ("evt-7", "src-a")
    assert {e.field for e in rejected.errors} == {"subject", "data.quantity"}
    assert rejected.payload["id"] == "evt-7"
    # It survives the trip through the wire format.
    assert codec.decode(RejectedEvent, codec.encode(rejected)).errors == rejected.errors


def test_a_record_that_is_not_json_is_rejected_as_malformed() -> None:
    outcome = judge_record(b"\x00not json", NOW)
    assert isinstance(outcome, Refusal)
    assert outcome.rejected.reason == "malformed_json" and outcome.kind == "malformed_json"
    assert outcome.rejected.payload == "\x00not json"


def test_a_record_without_value_is_rejected() -> None:
    outcome = judge_record(None, NOW)
    assert isinstance(outcome, Refusal)
    assert outcome.rejected.errors[0].reason == "record has no value"
