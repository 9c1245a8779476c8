"""Demand rules and the order they combine in; every step is in the charge's breakdown."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rating_helpers import PEAK, QUIET, RATED_AT, EventFactory, rules_book

from terms.domain import PriceBook, exact_sum
from terms.domain.rules import TimeOfUseWindow

D = Decimal
BERLIN = ZoneInfo("Europe/Berlin")


def steps(charge: object) -> list[tuple[str, Decimal]]:
    return [(s.rule, s.amount_delta) for s in charge.breakdown]  # type: ignore[attr-defined]


@pytest.fixture
def book() -> PriceBook:
    return rules_book()


def test_peak_surcharge_and_batch_discount_are_percentages_of_the_base(
    book: PriceBook, make_event: EventFactory
) -> None:
    event = make_event(
        customer="initech",
        meter="gpu_hours",
        quantity="10",
        time=PEAK,
        dimensions={"priority": "batch", "region": "ap-south"},
    )
    charge = book.rate(event, rated_at=RATED_AT)
    assert steps(charge) == [
        ("base", D("20.00")),
        ("time of use: peak", D("4.0000")),
        ("dimension: priority=batch", D("-6.0000")),
        ("dimension: region=ap-south", D("2.0000")),
    ]
    assert charge.amount == D("20.00") == exact_sum(d for _, d in steps(charge))
    assert "mon,tue,wed,thu,fri 08:00–18:00 Europe/Berlin" in charge.breakdown[1].detail


def test_rules_apply_only_to_the_meters_they_name(
    book: PriceBook, make_event: EventFactory
) -> None:
    event = make_event(
        customer="initech",
        service="marketplace",
        meter="spend",
        quantity="100",
        time=PEAK,
        dimensions={"priority": "batch"},
    )
    assert steps(book.rate(event, rated_at=RATED_AT)) == [("percentage", D("3.500"))]


def test_own_rate_over_commitment_penalty_and_discount_in_that_order(
    book: PriceBook, make_event: EventFactory
) -> None:
    # acme committed to 10 GPU-hours at its own 1.50; 8 were used before this event.
    event = make_event(customer="acme", meter="gpu_hours", quantity="4", time=QUIET)
    charge = book.rate(event, rated_at=RATED_AT, used_before=D(8))
    assert steps(charge) == [
        ("period", D(0)),
        ("base", D("6.00")),
        ("over-commitment", D("0.7500")),  # 25 % of the 2 hours above 10: 3.00
        ("customer discount", D("-0.675000")),  # 10 % of 6.75
    ]
    assert charge.amount == D("6.075000")
    assert "(own rate)" in charge.breakdown[1].detail
    assert "2020" not in charge.breakdown[0].detail
    assert charge.breakdown[0].detail.startswith("2024-06 (America/New_York): 8 → 12 GPU-hour")


def test_free_allowance_then_package_blocks(book: PriceBook, make_event: EventFactory) -> None:
    event = make_event(service="storage", meter="requests", quantity="1500", customer="initech")
    charge = book.rate(event, rated_at=RATED_AT, used_before=D(50))
    assert steps(charge) == [("period", 0), ("free allowance", 0), ("package", D("0.80"))]
    assert charge.breakdown[1].detail.startswith("50 of 1500 request free")
    again = book.rate(event, rated_at=RATED_AT, used_before=D(1550))  # 1450 billable before
    assert again.amount == D("0.40")  # 2950 billable: the third block starts


def test_tiers_reached_are_named_and_the_unit_price_is_the_marginal_one(
    book: PriceBook, make_event: EventFactory
) -> None:
    event = make_event(customer="initech", quantity="30", time=QUIET)
    charge = book.rate(event, rated_at=RATED_AT, used_before=D(190))
    assert [rule for rule, _ in steps(charge)] == [
        "period",
        "graduated tier 2 (100–200 vCPU-hour)",
        "graduated tier 3 (above 200 vCPU-hour)",
    ]
    assert (charge.amount, charge.unit_price) == (D("10.00"), D("0.25"))  # 10 × 0.5 + 20 × 0.25


def test_penalty_is_on_the_tiered_base_of_the_units_above_commitment(
    book: PriceBook, make_event: EventFactory
) -> None:
    # globex committed to 150 vCPU-hours; 140 used; 20 more: 10 above, in tier 2 (0.50).
    event = make_event(customer="globex", quantity="20", time=QUIET)
    charge = book.rate(event, rated_at=RATED_AT, used_before=D(140))
    assert dict(steps(charge))["over-commitment"] == D("1.2500")  # 25 % of 10 × 0.50


def test_no_penalty_without_a_commitment_or_below_it(
    book: PriceBook, make_event: EventFactory
) -> None:
    below = book.rate(make_event(customer="globex", quantity="10"), rated_at=RATED_AT)
    none = book.rate(make_event(customer="initech", quantity="500"), rated_at=RATED_AT)
    assert "over-commitment" not in dict(steps(below)) | dict(steps(none))


def window(start: str, end: str, days: set[int]) -> TimeOfUseWindow:
    def minutes(clock: str) -> int:
        return int(clock[:2]) * 60 + int(clock[3:])

    return TimeOfUseWindow("w", BERLIN, frozenset(days), minutes(start), minutes(end), D(-10))


def berlin(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        ("2024-06-05T07:59:59", False),
        ("2024-06-05T08:00:00", True),  # the start is in
        ("2024-06-05T17:59:59.999999", True),
        ("2024-06-05T18:00:00", False),  # the end is out
        ("2024-06-08T12:00:00", False),  # a Saturday
    ],
)
def test_window_edges(moment: str, inside: bool) -> None:
    assert window("08:00", "18:00", {0, 1, 2, 3, 4}).matches(berlin(moment)) is inside


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        ("2024-06-07T23:30:00", True),  # Friday night
        ("2024-06-08T05:59:00", True),  # Saturday early: the Friday window runs past midnight
        ("2024-06-08T23:00:00", False),  # Saturday night: not a listed day
        ("2024-06-10T01:00:00", False),  # Monday early belongs to Sunday night
    ],
)
def test_a_window_past_midnight_belongs_to_the_day_it_starts(moment: str, inside: bool) -> None:
    assert window("22:00", "06:00", {0, 1, 2, 3, 4}).matches(berlin(moment)) is inside


def test_across_dst_changes_the_window_keeps_its_wall_clock_hours() -> None:
    night = window("02:00", "03:00", {6})  # Sundays 02:00–03:00 Berlin time
    # 31 March 2024: clocks jump from 02:00 to 03:00; no instant is in the window.
    spring = [datetime(2024, 3, 31, 0, m, tzinfo=UTC) for m in range(0, 60, 5)]
    spring += [datetime(2024, 3, 31, 1, m, tzinfo=UTC) for m in range(0, 60, 5)]
    assert not any(night.matches(moment) for moment in spring)
    # 27 October 2024: 02:00–03:00 happens twice (00:00–02:00 UTC); both hours are in.
    autumn = [datetime(2024, 10, 27, h, 30, tzinfo=UTC) for h in range(4)]
    assert [night.matches(moment) for moment in autumn] == [True, True, False, False]
    # A weekday window follows local time: 08:00 Berlin is 07:00 UTC in winter, 06:00 in summer.
    office = window("08:00", "18:00", {0, 1, 2, 3, 4})
    assert office.matches(datetime(2024, 3, 29, 7, 0, tzinfo=UTC))  # Friday, CET
    assert office.matches(datetime(2024, 4, 1, 6, 0, tzinfo=UTC))  # Monday, CEST
    assert not office.matches(datetime(2024, 3, 29, 6, 59, tzinfo=UTC))


def test_only_the_first_matching_window_applies(book: PriceBook, make_event: EventFactory) -> None:
    # 23:00 Berlin on a Wednesday is in "night" only; peak and night never both match here.
    charge = book.rate(
        make_event(customer="initech", meter="gpu_hours", time="2024-06-05T21:00:00Z"),
        rated_at=RATED_AT,
    )
    assert [rule for rule, _ in steps(charge)] == ["base", "time of use: night"]


amounts = st.decimals(min_value=0, max_value=D("1e9"), places=4, allow_nan=False)


@given(quantity=amounts, before=amounts)
def test_the_amount_is_always_the_exact_sum_of_its_breakdown(quantity: D, before: D) -> None:
    from chargeback.contracts import RatedCharge, UsageEvent

    book = rules_book()
    for customer, meter in [("acme", "gpu_hours"), ("globex", "cpu_hours"), ("x", "cpu_hours")]:
        event = UsageEvent.model_validate(
            {
                "specversion": "1.0",
                "id": "e",
                "source": "//s",
                "subject": customer,
                "type": "dev.chargeback.usage.v1",
                "time": PEAK,
                "data": {
                    "service": "compute",
                    "meter": meter,
                    "quantity": str(quantity),
                    "dimensions": {"priority": "batch"},
                },
            }
        )
        charge = book.rate(event, rated_at=RATED_AT, used_before=before)
        assert charge.amount == exact_sum(step.amount_delta for step in charge.breakdown)
        # Built without re-validation: it must still be exactly what validation would give.
        assert RatedCharge.model_validate_json(charge.model_dump_json()) == charge
