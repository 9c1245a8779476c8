"""Records of usage.rated that carry no storable charge are poison: quarantined, not retried."""

from __future__ import annotations

import pytest
from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from billing.entrypoints.ledger_consumer import decode_entry
from chargeback import codec
from chargeback.tracking import Poisoned

TP = TopicPartition("usage.rated", 2)


def record(value, offset=7):
    return ConsumerRecord(
        topic="usage.rated",
        partition=2,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=b"acme",
        value=value,
        checksum=None,
        serialized_key_size=4,
        serialized_value_size=len(value or b""),
        headers=(),
    )


def test_a_rated_charge_becomes_a_ledger_entry_with_its_origin(rated_charge):
    charge = rated_charge("e1", amount="0.000000000123456789")

    entry = decode_entry(TP, record(codec.encode(charge)))

    assert entry is not None
    assert entry.charge == charge
    assert (entry.topic, entry.partition, entry.offset) == ("usage.rated", 2, 7)


@pytest.mark.parametrize(
    "value",
    [b"not json", b"{}", None, b'{"amount": 1.5}', "\udcff".encode("utf-8", "surrogatepass")],
)
def test_an_undecodable_record_is_poison_named_by_its_offset(value):
    with pytest.raises(Poisoned) as poisoned:
        decode_entry(TP, record(value))

    assert (poisoned.value.tp, poisoned.value.offset) == (TP, 7)
    assert isinstance(poisoned.value.cause, ValueError | TypeError)


def test_a_charge_too_precise_to_store_exactly_is_poison(rated_charge):
    raw = codec.encode(rated_charge("e1", amount="1E-50"))

    with pytest.raises(Poisoned, match="offset 7"):
        decode_entry(TP, record(raw))


def test_a_charge_whose_period_is_outside_the_calendar_is_poison(rated_charge):
    raw = codec.encode(rated_charge("e1", period="1999-12"))  # a month, outside the calendar

    with pytest.raises(Poisoned, match="offset 7"):
        decode_entry(TP, record(raw))
