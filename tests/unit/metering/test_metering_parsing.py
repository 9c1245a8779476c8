"""Reading CloudEvents into UsageEvents, and naming precisely what is wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from metering_fakes import BOUNDS, NOW, raw_event, written

from chargeback import codec
from chargeback.contracts import UsageEvent
from metering.domain import parsing
from metering.domain.parsing import binary_mode_event, stamp_ingest_time
from metering.domain.refusals import EventError, InvalidEvents
from metering.domain.time_bounds import TimeBounds


def validate_event(raw: object, index: int = 0) -> UsageEvent | list[EventError]:
    """As metering reads an event arriving at `NOW`, with the default bounds."""
    return parsing.validate_event(raw, index, now=NOW, bounds=BOUNDS)


def validate_all(raws: list[object]) -> list[UsageEvent]:
    return parsing.validate_all(raws, now=NOW, bounds=BOUNDS)


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
    [stamped] = stamp_ingest_time([event], NOW)
    assert stamped.ingesttime == NOW


def test_binary_mode_takes_attributes_from_ce_headers() -> None:
    headers = {
        "ce-specversion": "1.0",
        "ce-id": "evt%201",  # header values are percent-encoded
        "ce-source": "src-a",
        "ce-type": "dev.chargeback.usage.v1",
        "ce-subject": "acme",
        "ce-time": written(NOW - timedelta(minutes=1)),
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


@pytest.mark.parametrize(
    ("sent", "limit"),
    [
        ("9999-12-31T20:00:00Z", "more than 5 minutes in the future"),  # year 10000 in Tokyo
        ("3000-01-01T00:00:00Z", "more than 5 minutes in the future"),
        ("0001-01-01T00:00:00Z", "more than 35 days in the past"),
        ("1970-01-01T00:00:00Z", "more than 35 days in the past"),
    ],
)
def test_a_time_beyond_the_bounds_is_refused_naming_the_limit_and_the_value(
    sent: str, limit: str
) -> None:
    errors = validate_event(raw_event(4, time=sent), 3)
    assert isinstance(errors, list)
    [error] = errors
    assert (error.index, error.id, error.field, error.kind) == (
        3,
        "evt-4",
        "time",
        "time_out_of_range",
    )
    assert sent in error.reason and limit in error.reason


def test_times_at_the_limits_are_accepted_and_a_second_beyond_refused() -> None:
    oldest, latest = NOW - timedelta(days=35), NOW + timedelta(minutes=5)
    for accepted in (oldest, latest):
        event = validate_event(raw_event(time=written(accepted)))
        assert not isinstance(event, list) and event.time == accepted
    second = timedelta(seconds=1)
    too_old = validate_event(raw_event(time=written(oldest - second)))
    too_late = validate_event(raw_event(time=written(latest + second)))
    assert isinstance(too_old, list) and isinstance(too_late, list)
    assert "earliest accepted now: 2025-01-25T12:00:00Z" in too_old[0].reason
    assert "latest accepted now: 2025-03-01T12:05:00Z" in too_late[0].reason


def test_the_bounds_are_judged_in_utc_whatever_the_offset() -> None:
    # 12:04 in UTC, five hours ahead in Karachi: within the five minutes.
    event = validate_event(raw_event(time="2025-03-01T17:04:00+05:00"))
    assert not isinstance(event, list)
    errors = validate_event(raw_event(time="2025-03-01T17:06:00+05:00"))
    assert isinstance(errors, list)
    assert errors[0].reason.startswith("time 2025-03-01T12:06:00Z is more than 5 minutes")


def test_a_time_out_of_bounds_is_named_with_the_events_other_problems() -> None:
    errors = validate_event(raw_event(subject="has space", time="1970-01-01T00:00:00Z"))
    assert isinstance(errors, list)
    assert [(e.field, e.kind) for e in errors] == [
        ("subject", "invalid_value"),
        ("time", "time_out_of_range"),
    ]


def test_a_batch_with_one_time_out_of_bounds_is_refused_whole() -> None:
    raws: list[object] = [raw_event(1), raw_event(2, time="3000-01-01T00:00:00Z"), raw_event(3)]
    with pytest.raises(InvalidEvents) as refused:
        validate_all(raws)
    assert [(e.index, e.field) for e in refused.value.errors] == [(1, "time")]


def test_the_limits_are_said_in_the_largest_whole_unit() -> None:
    bounds = TimeBounds(max_age=timedelta(days=1), max_lead=timedelta(seconds=90))
    assert "more than 1 day in the past" in str(bounds.refusal(NOW - timedelta(days=2), NOW))
    assert "more than 90 seconds in the future" in str(
        bounds.refusal(NOW + timedelta(hours=1), NOW)
    )
    hours = TimeBounds(max_age=timedelta(hours=36), max_lead=timedelta(0))
    assert "more than 36 hours in the past" in str(hours.refusal(NOW - timedelta(days=2), NOW))
    assert "more than 0 seconds in the future" in str(
        hours.refusal(NOW + timedelta(seconds=1), NOW)
    )
