"""What a consumed batch adds to the ledger: each event once, exact line totals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from billing.domain.exact import UnstorableValueError
from billing.domain.ledger import (
    LedgerEntry,
    LineKey,
    first_of_each_event,
    line_deltas,
    place,
)
from terms.domain import InvalidPeriodError, Period


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

    deltas = line_deltas([place(e, None) for e in batch])

    cpu_may = deltas[LineKey("acme", "2024-05", "compute", "cpu", "vcpu-hour", "USD", "2024-05")]
    assert str(cpu_may.amount) == big + ".000000000123456789"
    assert cpu_may.quantity == Decimal("0.75")
    assert cpu_may.charges == 2
    june = LineKey("acme", "2024-06", "compute", "cpu", "vcpu-hour", "USD", "2024-06")
    assert deltas[june].charges == 1
    assert len(deltas) == 3


def test_a_charge_falls_in_the_period_it_carries_never_a_recomputed_one(rated_charge):
    june_1_utc_is_may_31_in_new_york = datetime(2024, 6, 1, 3, 30, tzinfo=UTC)
    cut_in_new_york = entry(
        rated_charge(event_time=june_1_utc_is_may_31_in_new_york, time_zone="America/New_York")
    )
    cut_in_utc = entry(rated_charge(event_time=june_1_utc_is_may_31_in_new_york))

    in_new_york, in_utc = place(cut_in_new_york, None), place(cut_in_utc, None)

    assert cut_in_new_york.charge.period == "2024-05"
    assert (str(in_new_york.usage), str(in_new_york.billed)) == ("2024-05", "2024-05")
    assert (str(in_utc.usage), str(in_utc.billed)) == ("2024-06", "2024-06")
    # Whatever the event time says, the period the charge carries is the one it bills in.
    carried = place(entry(rated_charge(period="2024-04")), None)
    assert (str(carried.usage), carried.line.usage_period) == ("2024-04", "2024-04")


@pytest.mark.parametrize("period", ["1999-12", "3000-01", "9999-12"])
def test_a_charge_whose_period_is_outside_the_calendar_is_refused(rated_charge, period):
    with pytest.raises(InvalidPeriodError, match="2000-01 to 2999-12"):
        entry(rated_charge(period=period))


def test_usage_of_a_finalized_period_is_billed_on_the_first_open_one(rated_charge):
    april = entry(rated_charge(event_time=datetime(2024, 4, 30, 23, tzinfo=UTC)))

    placed = place(april, Period(2024, 5))  # April and May are finalized

    assert (str(placed.usage), str(placed.billed), placed.late) == ("2024-04", "2024-06", True)
    line = placed.line
    assert (line.period, line.usage_period) == ("2024-06", "2024-04")
    assert not place(april, Period(2024, 3)).late


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
