"""What a consumed batch adds to the ledger: each event once, exact line totals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from billing.domain.exact import UnstorableValueError
from billing.domain.ledger import (
    LedgerEntry,
    LineKey,
    first_of_each_event,
    line_deltas,
    place,
)
from billing.domain.periods import Period


def entry(charge, offset=0, partition=0):
    return LedgerEntry(charge, "usage.rated", partition, offset)


def test_repeats_of_an_event_in_a_batch_keep_the_first(rated_charge):
    first = entry(rated_charge("e1", amount="1"), 0)
    batch = [first, entry(rated_charge("e2"), 1), entry(rated_charge("e1", amount="9"), 2)]

    unique = first_of_each_event(batch)

    assert unique == [first, batch[1]]


def test_the_same_id_from_another_source_is_another_event(rated_charge):
    batch = [entry(rated_charge("e1")), entry(rated_charge("e1", event_source="//other"), 1)]

    assert len(first_of_each_event(batch)) == 2


def test_line_deltas_sum_exactly_per_customer_period_and_meter(rated_charge):
    big = "12345678901234567890123456789012345678"  # 38 digits: beyond the default context
    batch = [
        entry(rated_charge("e1", amount=big, quantity="0.5")),
        entry(rated_charge("e2", amount="0.000000000123456789", quantity="0.25")),
        entry(rated_charge("e3", meter="ram")),
        entry(rated_charge("e4", event_time=datetime(2024, 6, 1, tzinfo=UTC))),
    ]

    deltas = line_deltas([place(e, UTC, None) for e in batch])

    cpu_may = deltas[LineKey("acme", "2024-05", "compute", "cpu", "vcpu-hour", "USD", "2024-05")]
    assert str(cpu_may.amount) == big + ".000000000123456789"
    assert cpu_may.quantity == Decimal("0.75")
    assert cpu_may.charges == 2
    june = LineKey("acme", "2024-06", "compute", "cpu", "vcpu-hour", "USD", "2024-06")
    assert deltas[june].charges == 1
    assert len(deltas) == 3


def test_a_charge_falls_in_the_month_of_its_event_in_the_customers_time_zone(rated_charge):
    june_1_utc_is_may_31_in_new_york = datetime(2024, 6, 1, 3, 30, tzinfo=UTC)
    charge = entry(rated_charge(event_time=june_1_utc_is_may_31_in_new_york))

    in_new_york = place(charge, ZoneInfo("America/New_York"), None)
    in_utc = place(charge, UTC, None)

    assert (str(in_new_york.usage), str(in_new_york.billed)) == ("2024-05", "2024-05")
    assert (str(in_utc.usage), str(in_utc.billed)) == ("2024-06", "2024-06")


def test_usage_of_a_finalized_period_is_billed_on_the_first_open_one(rated_charge):
    april = entry(rated_charge(event_time=datetime(2024, 4, 30, 23, tzinfo=UTC)))

    placed = place(april, UTC, Period(2024, 5))  # April and May are finalized

    assert (str(placed.usage), str(placed.billed), placed.late) == ("2024-04", "2024-06", True)
    line = placed.line
    assert (line.period, line.usage_period) == ("2024-06", "2024-04")
    assert not place(april, UTC, Period(2024, 3)).late


@pytest.mark.parametrize(
    "field, value",
    [
        ("amount", "1E-41"),
        ("quantity", "0." + "0" * 41 + "5"),
        ("unit_price", "0." + "0" * 40 + "1"),
    ],
)
def test_values_the_ledger_cannot_keep_exactly_are_refused(rated_charge, field, value):
    with pytest.raises(UnstorableValueError, match=field):
        entry(rated_charge(**{field: value}))
