"""Threshold crossings: boundaries, jumps, and never the same threshold twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budget_monitor.domain import Budget, BudgetError, MonthlyUtc, Scope, alert_id

D = Decimal


def budget(amount: str = "10.00", thresholds: tuple[int, ...] = (50, 80, 100)) -> Budget:
    return Budget(
        "acme-monthly", Scope("acme"), D(amount), "USD", thresholds=tuple(D(t) for t in thresholds)
    )


def crossed(b: Budget, before: str, after: str) -> list[Decimal]:
    return [c.threshold_percent for c in b.record(D(before), D(after), period="2026-11")]


def test_reaching_a_threshold_exactly_counts_as_crossed():
    assert crossed(budget(), "4.99", "5.00") == [D(50)]
    assert crossed(budget(), "5.00", "5.01") == []  # already reached before


def test_below_a_threshold_is_not_crossed():
    assert crossed(budget(), "0", "4.9999999999") == []


def test_a_jump_over_several_thresholds_crosses_each_once_lowest_first():
    assert crossed(budget(), "1", "12") == [D(50), D(80), D(100)]
    assert crossed(budget(), "6", "10") == [D(80), D(100)]


def test_spend_going_down_crosses_nothing():
    assert crossed(budget(), "9", "2") == []


def test_a_crossing_carries_what_the_alert_needs():
    [crossing] = budget().record(D("7.9"), D("8.2"), period="2026-11")
    assert (crossing.budget_id, crossing.period, crossing.basis) == (
        "acme-monthly",
        "2026-11",
        "actual",
    )
    assert crossing.spent == D("8.2") and crossing.budget_amount == D("10.00")
    assert crossing.alert_id == alert_id("acme-monthly", "2026-11", "actual", D(80))


def test_alert_id_is_deterministic_and_distinguishes_every_part():
    base = alert_id("b", "2026-11", "actual", D(50))
    assert base == alert_id("b", "2026-11", "actual", D("50.0"))
    others = {
        alert_id("c", "2026-11", "actual", D(50)),
        alert_id("b", "2026-12", "actual", D(50)),
        alert_id("b", "2026-11", "forecast", D(50)),
        alert_id("b", "2026-11", "actual", D(80)),
    }
    assert base not in others and len(others) == 4


def test_thresholds_beyond_100_and_fractions_work():
    b = budget("200", (75, 120))
    assert crossed(b, "0", "150") == [D(75)]
    assert crossed(b, "150", "240") == [D(120)]
    assert budget("3", (33,)).level(D("33.3")) == D("0.999")


def test_crossed_and_percent_for_people():
    b = budget()
    assert b.crossed(D("8")) == (D(50), D(80))
    assert b.percent(D("6.6666")) == D("66.67")
    assert budget("3").percent(D("1")) == D("33.33")  # a quotient that does not terminate


@pytest.mark.parametrize(
    ("amount", "thresholds"),
    [("0", (50,)), ("-5", (50,)), ("10", ()), ("10", (0,)), ("10", (50, 50))],
)
def test_impossible_budgets_are_refused(amount, thresholds):
    with pytest.raises(BudgetError):
        budget(amount, thresholds)


def test_monthly_periods_are_cut_in_utc():
    rule = MonthlyUtc()
    assert rule.key_for(datetime(2026, 11, 30, 23, 59, tzinfo=UTC)) == "2026-11"
    tokyo = timezone(timedelta(hours=9))
    assert rule.key_for(datetime(2026, 12, 1, 8, 0, tzinfo=tokyo)) == "2026-11"
    assert rule.key_for(datetime(2026, 12, 1, 0, 0, tzinfo=UTC)) == "2026-12"
    assert rule.is_key("2026-11") and not rule.is_key("2026-13")
    with pytest.raises(BudgetError):
        rule.key_for(datetime(2026, 11, 1))


amounts = st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False)
thresholds = st.sets(st.integers(min_value=1, max_value=200), min_size=1, max_size=6)


@given(st.lists(amounts, max_size=40), thresholds, amounts.filter(lambda a: a > 0))
def test_any_sequence_of_charges_crosses_each_reached_threshold_exactly_once(
    charges, chosen, amount
):
    b = Budget("b", Scope("acme"), amount, "USD", thresholds=tuple(map(D, chosen)))
    spent, seen = D(0), []
    for charge in charges:
        seen += [c.threshold_percent for c in b.record(spent, spent + charge, period="p")]
        spent += charge
    assert len(seen) == len(set(seen))  # never the same threshold twice
    assert sorted(seen) == list(b.crossed(spent))  # none missed


@given(st.lists(amounts, min_size=1, max_size=20), thresholds, st.integers(1, 3))
def test_replaying_the_same_spend_sequence_never_raises_a_threshold_twice(charges, chosen, replays):
    """Alert ids are deterministic, so the raised marks (a set here) refuse every replay."""
    b = Budget("b", Scope("acme"), D(100), "USD", thresholds=tuple(map(D, chosen)))
    totals = [sum(charges[: i + 1], D(0)) for i in range(len(charges))]
    steps = list(zip([D(0), *totals[:-1]], totals, strict=True))
    raised: dict[str, Decimal] = {}
    alerts = []
    for _ in range(1 + replays):
        for prev, new in steps:
            for crossing in b.record(prev, new, period="p"):
                if crossing.alert_id not in raised:
                    raised[crossing.alert_id] = crossing.threshold_percent
                    alerts.append(crossing.threshold_percent)
    assert alerts == sorted(set(alerts))  # each once, in the order spend reached them
    assert tuple(alerts) == b.crossed(totals[-1])


@given(amounts, amounts, amounts, thresholds)
def test_one_jump_crosses_what_its_two_halves_cross(start, step1, step2, chosen):
    b = Budget("b", Scope("acme"), D(50), "USD", thresholds=tuple(map(D, chosen)))
    middle, end = start + step1, start + step1 + step2
    whole = b.record(start, end, period="p")
    halves = b.record(start, middle, period="p") + b.record(middle, end, period="p")
    assert [c.threshold_percent for c in whole] == [c.threshold_percent for c in halves]
