"""Records of usage.rated that carry no storable charge are skipped, logged and counted."""

from __future__ import annotations

import logging

import pytest
from aiokafka.structs import ConsumerRecord

from billing import metrics
from billing.entrypoints.ledger_consumer import decode_entry
from chargeback import codec


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

    entry = decode_entry(record(codec.encode(charge)))

    assert entry is not None
    assert entry.charge == charge
    assert (entry.topic, entry.partition, entry.offset) == ("usage.rated", 2, 7)


@pytest.mark.parametrize(
    "value",
    [b"not json", b"{}", None, b'{"amount": 1.5}', "\udcff".encode("utf-8", "surrogatepass")],
)
def test_an_undecodable_record_is_counted_and_logged(value, caplog):
    before = metrics.UNDECODABLE_RECORDS._value.get()

    with caplog.at_level(logging.WARNING):
        assert decode_entry(record(value)) is None

    assert metrics.UNDECODABLE_RECORDS._value.get() == before + 1
    assert "offset 7" in caplog.text


def test_a_charge_too_precise_to_store_exactly_is_skipped(rated_charge):
    raw = codec.encode(rated_charge("e1", amount="1E-50"))

    assert decode_entry(record(raw)) is None


def test_a_charge_whose_period_is_outside_the_calendar_is_skipped_and_counted(rated_charge):
    before = metrics.UNDECODABLE_RECORDS._value.get()
    raw = codec.encode(rated_charge("e1", period="1999-12"))  # a month, outside the calendar

    assert decode_entry(record(raw)) is None
    assert metrics.UNDECODABLE_RECORDS._value.get() == before + 1
