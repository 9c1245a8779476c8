"""Raw records to outgoing messages: every record ends rated or rejected, nothing dropped."""

from __future__ import annotations

import json

from rating_helpers import RATED_AT, EventFactory

from chargeback import codec
from chargeback.contracts import RatedCharge, RejectedEvent, Topics
from rating.service_layer.rate_records import rate_records
from terms.domain import PriceBook, PriceBookCatalog


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
