from decimal import Decimal

from chargeback import codec
from chargeback.contracts import UsageEvent
from chargeback.emitter import usage_event
from chargeback.kafka import partition_for


def test_json_numbers_never_pass_through_float():
    parsed = codec.loads(b'{"quantity": 0.1000000000000000055511151231257827}')
    assert parsed["quantity"] == Decimal("0.1000000000000000055511151231257827")
    assert codec.dumps({"a": Decimal("1.10")}) == b'{"a":"1.10"}'


def test_usage_event_round_trips_exact_quantity():
    event = usage_event(
        source="s", customer="acme", service="compute", meter="cpu", quantity="0.000000001"
    )
    assert UsageEvent.model_validate(event).data.quantity == Decimal("0.000000001")


def test_partitioning_matches_kafka_default_partitioner():
    assert partition_for("acme", 4) == partition_for("acme", 4)
    spread = {partition_for(f"customer-{i}", 4) for i in range(100)}
    assert spread == {0, 1, 2, 3}


def test_event_times_must_carry_an_offset_and_are_kept_in_utc():
    import pytest
    from pydantic import ValidationError

    event = usage_event(source="s", customer="acme", service="compute", meter="cpu", quantity="1")
    shifted = UsageEvent.model_validate({**event, "time": "2026-11-01T10:00:00+02:00"})
    assert shifted.time.isoformat() == "2026-11-01T08:00:00+00:00"
    with pytest.raises(ValidationError, match="RFC 3339 timestamp with offset"):
        UsageEvent.model_validate({**event, "time": "2026-11-01T10:00:00"})
