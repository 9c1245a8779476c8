"""Billing periods are calendar months in the customer's time zone; tiers restart with each."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from rating_helpers import RATED_AT, EventFactory, rules_book

from terms.domain import InvalidPeriodError, Period, PriceBookCatalog, Rater, commitment_shortfalls

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("moment", "period"),
    [
        ("2024-07-01T03:59:59Z", "2024-06"),  # still June in New York (EDT, UTC-4)
        ("2024-07-01T04:00:00Z", "2024-07"),
        ("2024-12-01T04:59:59Z", "2024-11"),  # EST, UTC-5
        ("2025-01-01T05:00:00Z", "2025-01"),
    ],
)
def test_the_period_is_cut_at_local_midnight(moment: str, period: str) -> None:
    assert str(Period.of(datetime.fromisoformat(moment), NEW_YORK)) == period


def test_period_bounds_follow_the_zone_across_dst() -> None:
    november = Period.parse("2024-11")
    assert (november.start_in(NEW_YORK), november.end_in(NEW_YORK)) == (
        datetime(2024, 11, 1, 4, tzinfo=UTC),
        datetime(2024, 12, 1, 5, tzinfo=UTC),
    )
    assert Period.parse("2024-12").end_in(ZoneInfo("UTC")) == datetime(2025, 1, 1, tzinfo=UTC)
    with pytest.raises(InvalidPeriodError, match="month must be 01 to 12"):
        Period.parse("2024-13")


@pytest.mark.parametrize("name", ["9999-12", "0000-01", "1999-12", "3000-01"])
def test_periods_outside_the_calendar_are_refused_with_the_range(name: str) -> None:
    with pytest.raises(InvalidPeriodError, match="2000-01 to 2999-12"):
        Period.parse(name)


@pytest.mark.parametrize("moment", ["9999-12-31T20:00:00+00:00", "0001-01-01T00:00:00+00:00"])
def test_a_time_outside_the_calendar_has_no_period(moment: str) -> None:
    tokyo = ZoneInfo("Asia/Tokyo")  # 9999-12-31T20:00Z is already year 10000 there
    with pytest.raises(InvalidPeriodError):
        Period.of(datetime.fromisoformat(moment), tokyo)


def test_tiers_restart_in_a_new_period_of_the_customers_zone(make_event: EventFactory) -> None:
    rater = Rater(PriceBookCatalog([rules_book()]))
    june = make_event(customer="acme", quantity="150", time="2024-07-01T03:00:00Z")
    july = make_event(customer="acme", quantity="150", time="2024-07-01T05:00:00Z")
    first, second = (rater.rate(e, rated_at=RATED_AT) for e in (june, july))
    assert first.breakdown[0].detail.startswith("2024-06 (America/New_York): 0 → 150")
    assert second.breakdown[0].detail.startswith("2024-07 (America/New_York): 0 → 150")
    tiers = [[s for s in c.breakdown if s.rule.startswith("graduated")] for c in (first, second)]
    assert tiers[0] == tiers[1] and len(tiers[0]) == 2  # both start again from tier 1


def test_zero_and_fractional_quantities_move_the_tiers_exactly(make_event: EventFactory) -> None:
    rater = Rater(PriceBookCatalog([rules_book()]))
    for quantity in ("0", "99.9999999", "0.0000001", "0"):
        rater.rate(make_event(customer="initech", quantity=quantity), rated_at=RATED_AT)
    assert list(rater.usage.values()) == [Decimal("100.0000000")]
    last = rater.rate(make_event(customer="initech", quantity="1"), rated_at=RATED_AT)
    assert last.amount == Decimal("0.50")  # all of it in tier 2


def test_a_shortfall_is_the_price_of_the_committed_units_not_used() -> None:
    book = rules_book()
    (gpu,) = commitment_shortfalls(book, "acme", {("compute", "gpu_hours"): Decimal(4)})
    assert (gpu.committed, gpu.used, gpu.quantity) == (Decimal(10), Decimal(4), Decimal(6))
    assert gpu.amount == Decimal("8.1000")  # 6 × 1.50, less the 10 % discount
    (met,) = commitment_shortfalls(book, "acme", {("compute", "gpu_hours"): Decimal(12)})
    assert (met.quantity, met.amount) == (0, 0)
    # A tiered meter: the missing units are priced where they would have fallen.
    (cpu,) = commitment_shortfalls(book, "globex", {("compute", "cpu_hours"): Decimal(90)})
    assert cpu.amount == Decimal("10") * 1 + Decimal("50") * Decimal("0.50")
    assert commitment_shortfalls(book, "initech", {}) == []  # no commitment, no shortfall
