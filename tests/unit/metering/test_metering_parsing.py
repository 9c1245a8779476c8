"""Reading CloudEvents into UsageEvents, and naming precisely what is wrong."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from metering_fakes import raw_event

from chargeback import codec
from metering.domain.parsing import (
    binary_mode_event,
    stamp_ingest_time,
    validate_all,
    validate_event,
)
from metering.domain.refusals import InvalidEvents


def test_a_valid_event_is_read_with_an_exact_quantity() -> None:
    event = validate_event(raw_event(), 0)
    assert not isinstance(event, list)
    assert event.subject == "acme"
    assert event.data.quantity == Decimal("1.5")


def test_quantity_as_a_json_number_stays_exact() -> None:
    # The codec reads JSON numbers as Decimal: 0.1 must not become 0.1000000000000000055...
    document = codec.loads(b'{"service":"compute","meter":"cpu","quantity":0.1}')
    event = validate_event(raw_event(data=document), 0)
    assert not isinstance(event, list)
    assert event.data.quantity == Decimal("0.1")
    assert isinstance(event.data.quantity, Decimal)


def test_a_float_quantity_is_refused_never_converted() -> None:
    errors = validate_event(raw_event(data={"service": "s", "meter": "m", "quantity": 0.1}), 0)
    assert isinstance(errors, list)
    assert [(e.field, e.kind) for e in errors] == [("data.quantity", "invalid_value")]


def test_every_problem_of_every_bad_event_is_named() -> None:
    raws = [
        raw_event(1),
        raw_event(2, type="other.type"),
        raw_event(3),
        raw_event(4, data={"service": "compute", "meter": "cpu", "quantity": "-2"}),
        "not an object",
        raw_event(6, subject="has space", extra_attr="x"),
    ]
    with pytest.raises(InvalidEvents) as refused:
        validate_all(raws)
    found = {(e.index, e.id, e.field) for e in refused.value.errors}
    assert found == {
        (1, "evt-2", "type"),
        (3, "evt-4", "data.quantity"),
        (4, None, ""),
        (5, "evt-6", "subject"),
        (5, "evt-6", "extra_attr"),
    }
    assert refused.value.bad_indexes == [1, 3, 4, 5]
    negative = next(e for e in refused.value.errors if e.index == 3)
    assert negative.reason == "quantity must not be negative"
    kinds = {e.field: e.kind for e in refused.value.errors}
    assert kinds["extra_attr"] == "unknown_field" and kinds[""] == "not_an_object"


def test_missing_attributes_are_each_named() -> None:
    errors = validate_event({"id": "x"}, 7)
    assert isinstance(errors, list)
    assert {e.field for e in errors} == {"specversion", "source", "type", "subject", "time", "data"}
    assert all(e.index == 7 and e.id == "x" and e.kind == "missing_field" for e in errors)


def test_a_bad_dimension_key_is_named() -> None:
    data = {"service": "s", "meter": "m", "quantity": "1", "dimensions": {"Region": "eu"}}
    errors = validate_event(raw_event(data=data), 0)
    assert isinstance(errors, list)
    assert errors[0].field == "data.dimensions.Region"
    assert errors[0].reason.startswith("key: ")


def test_a_time_without_offset_is_refused_and_offsets_become_utc() -> None:
    errors = validate_event(raw_event(time="2025-03-01T10:00:00"), 0)
    assert isinstance(errors, list) and errors[0].field == "time"
    event = validate_event(raw_event(time="2025-03-01T12:00:00+02:00"), 0)
    assert not isinstance(event, list)
    assert event.time == datetime(2025, 3, 1, 10, tzinfo=UTC)
    assert event.time.utcoffset() is not None and not event.time.utcoffset()


def test_the_emitters_ingesttime_is_ignored_and_overwritten() -> None:
    event = validate_event(raw_event(ingesttime="not even a time"), 0)
    assert not isinstance(event, list)
    now = datetime(2025, 3, 2, tzinfo=UTC)
    [stamped] = stamp_ingest_time([event], now)
    assert stamped.ingesttime == now


def test_binary_mode_takes_attributes_from_ce_headers() -> None:
    headers = {
        "ce-specversion": "1.0",
        "ce-id": "evt%201",  # header values are percent-encoded
        "ce-source": "src-a",
        "ce-type": "dev.chargeback.usage.v1",
        "ce-subject": "acme",
        "ce-time": "2025-03-01T10:00:00Z",
        "content-type": "application/json",
        "user-agent": "probe",
    }
    data = {"service": "compute", "meter": "cpu", "quantity": Decimal("2")}
    raw = binary_mode_event(headers, "application/json", data)
    event = validate_event(raw, 0)
    assert not isinstance(event, list)
    assert event.id == "evt 1" and event.datacontenttype == "application/json"
    assert event.data.quantity == Decimal("2")


def test_binary_mode_without_headers_names_the_missing_attributes() -> None:
    raw = binary_mode_event({}, "application/json", {"service": "s", "meter": "m", "quantity": 1})
    errors = validate_event(raw, 0)
    assert isinstance(errors, list)
    assert {e.field for e in errors} == {"specversion", "id", "source", "type", "subject", "time"}
