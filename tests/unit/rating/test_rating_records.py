"""Raw records to outgoing messages: every record ends rated or rejected, nothing dropped."""

from __future__ import annotations

import json
from decimal import Decimal

from rating_helpers import RATED_AT, EventFactory

from chargeback import codec
from chargeback.contracts import RatedCharge, RejectedEvent, Topics, UsageEvent
from rating.service_layer.decoding import decode_records
from rating.service_layer.rate_records import rate_decoded, rate_records
from terms.domain import PriceBook, PriceBookCatalog, Rater


def test_each_record_is_rated_or_rejected_in_order(
    example_catalog: PriceBookCatalog, make_event: EventFactory
) -> None:
    good = make_event(id="g", customer="globex", quantity="2")
    unknown = make_event(id="u", customer="hooli", meter="gpu_hours")
    records = [codec.encode(good), codec.encode(unknown), b"\xff not json", None]
    result = rate_records(records, example_catalog, rated_at=RATED_AT)

    assert [m.topic for m in result.messages] == [
        Topics.RATED,
        Topics.REJECTED,
        Topics.REJECTED,
        Topics.REJECTED,
    ]
    rated = codec.decode(RatedCharge, result.messages[0].value)
    assert result.messages[0].key == b"globex"  # keyed by customer, like usage.events
    assert rated == example_catalog.rate(good, rated_at=RATED_AT)
    assert result.charges == [rated]
    assert dict(result.rejected) == {"unknown_meter": 1, "undecodable": 2}


def test_a_rejection_names_the_event_the_reason_and_keeps_the_payload(
    example_catalog: PriceBookCatalog, make_event: EventFactory
) -> None:
    unknown = make_event(id="u", customer="hooli", meter="gpu_hours", quantity="0.5")
    result = rate_records([codec.encode(unknown)], example_catalog, rated_at=RATED_AT)
    message = result.messages[0]
    rejection = codec.decode(RejectedEvent, message.value)
    assert message.key == b"hooli"
    assert (rejection.stage, rejection.reason) == ("rating", "unknown_meter")
    assert (rejection.event_id, rejection.event_source) == ("u", unknown.source)
    assert rejection.errors[0].field == "data.meter"
    assert "gpu_hours" in rejection.errors[0].reason
    assert rejection.payload["data"]["quantity"] == "0.5"
    assert rejection.rejected_at == RATED_AT


def test_an_undecodable_record_says_which_fields_are_wrong(
    example_catalog: PriceBookCatalog, make_event: EventFactory
) -> None:
    broken = json.loads(codec.encode(make_event()))
    broken["data"]["quantity"] = "-3"
    del broken["subject"]
    result = rate_records([json.dumps(broken).encode()], example_catalog, rated_at=RATED_AT)
    rejection = codec.decode(RejectedEvent, result.messages[0].value)
    assert result.messages[0].key is None
    assert rejection.reason == "undecodable"
    assert {error.field for error in rejection.errors} == {"subject", "data.quantity"}
    assert rejection.payload["id"] == broken["id"]


def test_an_empty_record_and_an_oversized_one_are_rejected_with_bounded_payloads(
    example_catalog: PriceBookCatalog,
) -> None:
    huge = b'{"x": "' + b"a" * 200_000 + b'"}'
    result = rate_records([b"", huge], example_catalog, rated_at=RATED_AT)
    empty, oversized = (codec.decode(RejectedEvent, m.value) for m in result.messages)
    assert empty.errors[0].reason.startswith("empty record")
    assert isinstance(oversized.payload, str) and len(oversized.payload) <= 65536


class BrokenCatalog(PriceBookCatalog):
    def in_force_at(self, moment: object) -> PriceBook:
        raise RuntimeError("a bug in a pricing rule")


def test_an_unexpected_failure_rejects_the_event_instead_of_stopping_the_stream(
    make_event: EventFactory,
) -> None:
    records = [codec.encode(make_event(id="x")), codec.encode(make_event(id="y"))]
    result = rate_records(records, BrokenCatalog([]), rated_at=RATED_AT)
    rejections = [codec.decode(RejectedEvent, m.value) for m in result.messages]
    assert [(r.event_id, r.reason) for r in rejections] == [
        ("x", "internal_error"),
        ("y", "internal_error"),
    ]
    assert "a bug in a pricing rule" in rejections[0].errors[0].reason


def test_a_charge_carries_the_context_downstream_needs(
    example_catalog: PriceBookCatalog, make_event: EventFactory
) -> None:
    """Period, the zone that cut it, cost centre, version and commitment: never recomputed."""
    # 03:00 UTC on 1 July is still 30 June in New York, acme's zone.
    event = make_event(id="c", customer="acme", quantity="3", time="2024-07-01T03:00:00Z")
    (charge,) = rate_records([codec.encode(event)], example_catalog, rated_at=RATED_AT).charges
    assert (charge.period, charge.time_zone, charge.cost_center) == (
        "2024-06",
        "America/New_York",
        "CC-1001",
    )
    assert charge.price_book_version == "2020.1"
    assert charge.committed_quantity == Decimal(1000)  # acme's cpu_hours commitment
    other = make_event(id="o", customer="hooli", service="ci", meter="build_minutes")
    (plain,) = rate_records([codec.encode(other)], example_catalog, rated_at=RATED_AT).charges
    assert (plain.cost_center, plain.committed_quantity) == ("CC-4001", None)


def test_an_event_outside_the_calendar_is_rejected_not_a_stuck_batch(
    example_catalog: PriceBookCatalog, make_event: EventFactory
) -> None:
    """9999-12-31T20:00Z is already year 10000 in Tokyo: a rejection, and the rest rated."""
    beyond = make_event(id="far", customer="umbrella", time="9999-12-31T20:00:00Z")
    ordinary = make_event(id="ok", customer="umbrella")
    records = [codec.encode(beyond), codec.encode(ordinary)]
    result = rate_records(records, example_catalog, rated_at=RATED_AT)
    assert [c.event_id for c in result.charges] == ["ok"]
    assert dict(result.rejected) == {"time_out_of_range": 1}
    rejection = codec.decode(RejectedEvent, result.messages[0].value)
    assert (rejection.event_id, rejection.errors[0].field) == ("far", "time")


def test_a_replay_of_the_same_log_gives_the_same_charges(
    example_catalog: PriceBookCatalog, make_event: EventFactory
) -> None:
    """Tiers and allowances count in log order: the same log rated again, from the start or
    from a stored state part-way, gives identical charges (what exactly-once relies on)."""
    log = [
        codec.encode(make_event(id=f"e{n}", customer="initech", quantity="7000")) for n in range(6)
    ]  # graduated cpu_hours: the tier boundary at 20,000 falls inside the third event
    first = rate_records(log, example_catalog, rated_at=RATED_AT).charges
    again = rate_records(log, example_catalog, rated_at=RATED_AT).charges
    assert first == again
    assert len({c.unit_price for c in first}) == 2  # the tiers did change along the log
    rater = Rater(example_catalog)  # the state a worker would have stored after three
    for raw in log[:3]:
        rater.rate(codec.decode(UsageEvent, raw), rated_at=RATED_AT)
    resumed = rate_decoded(decode_records(log[3:]), rater, rated_at=RATED_AT, seen=set())
    assert resumed.charges == first[3:]
