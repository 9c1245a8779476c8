"""Forecasts by run rate: the exact threshold rule, the minimum share of the period,
forecast alerts checked on every charge, and the status of a budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from budget_monitor.domain import (
    Budget,
    BudgetBook,
    ChargeFacts,
    ForecastRule,
    Opening,
    Scope,
    Window,
    budget_status,
    evaluate,
    period_rule,
)
from budget_monitor.service_layer.sweep import crossings_now

D = Decimal
NOV = Window(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))  # 30 days


def at(day: float, percent: int = 20) -> ForecastRule:
    return ForecastRule(NOV.start + timedelta(days=day), D(percent))


DEFAULT_ACTUAL, DEFAULT_FORECAST = (D(50), D(80), D(100)), (D(100),)


def budget(forecast=DEFAULT_FORECAST, actual=DEFAULT_ACTUAL, amount="300") -> Budget:
    return Budget("b", Scope("acme"), D(amount), "USD", period_rule("monthly"), actual, forecast)


def test_forecast_is_the_run_rate_to_the_end_of_the_period():
    assert at(10).amount(D(100), NOV) == D(300)  # a third gone, 100 spent: 300 by the end
    assert at(15).amount(D("7.5"), NOV) == D(15)
    assert at(30).amount(D(42), NOV) == D(42)  # over: the forecast is what was spent
    assert at(45).amount(D(42), NOV) == D(42)


def test_nothing_is_forecast_before_the_minimum_share_of_the_period():
    assert at(5.99).amount(D(1000), NOV) is None  # 20 % of 30 days is 6 days
    assert not at(5.99).reaches(D(1000), D(1), NOV)
    assert at(6).amount(D(10), NOV) == D(50)  # exactly the minimum share counts
    assert at(6).available_from(NOV) == NOV.start + timedelta(days=6)
    assert at(0, percent=0).amount(D(10), NOV) is None  # nothing elapsed: no rate yet
    assert at(-3, percent=0).amount(D(10), NOV) is None  # before the period


def test_reaching_a_level_exactly_counts():
    assert at(10).reaches(D(100), D(300), NOV)
    assert not at(10).reaches(D("99.99999999"), D(300), NOV)


@given(
    st.decimals(min_value=0, max_value=10**6, places=6),
    st.decimals(min_value="0.01", max_value=10**6, places=2),
    st.integers(min_value=1, max_value=30 * 86400 * 10**6),
    st.integers(min_value=0, max_value=100),
)
def test_the_threshold_rule_matches_exact_rational_arithmetic(spent, level, elapsed_us, pct):
    rule = ForecastRule(NOV.start + timedelta(microseconds=elapsed_us), D(pct))
    length_us = 30 * 86400 * 10**6
    ready = Fraction(elapsed_us, length_us) * 100 >= pct
    expected = ready and Fraction(spent) * length_us / elapsed_us >= Fraction(level)
    assert rule.reaches(spent, level, NOV) is expected


def charge(n: int, amount: str, when: datetime) -> ChargeFacts:
    return ChargeFacts(f"s e{n}", f"e{n}", "acme", "compute", D(amount), "USD", when)


def test_forecast_thresholds_are_reported_once_per_batch_at_the_charge_that_reached_them():
    book = BudgetBook((budget(forecast=(D(100), D(150)), actual=(D(50),)),))
    when = NOV.start + timedelta(days=1)
    charges = [charge(1, "50", when), charge(2, "60", when), charge(3, "40", when)]
    result = evaluate(charges, book, {}, set(), at(10))  # 300 by the end needs 100 now
    reached = [
        (t.crossing.basis, t.crossing.threshold_percent, t.event_id) for t in result.crossings
    ]
    assert reached == [
        ("forecast", D(100), "e2"),  # 110 spent at day 10 -> 330 forecast
        ("actual", D(50), "e3"),  # 150 spent: half the budget
        ("forecast", D(150), "e3"),  # 150 -> 450 forecast = 150 %
    ]
    assert evaluate(charges, book, {}, set()).crossings[0].crossing.basis == "actual"  # no rule
    early = evaluate(charges, book, {}, set(), at(2))  # before the minimum share
    assert [t.crossing.basis for t in early.crossings] == ["actual"]


def test_forecast_uses_the_other_partitions_spend_too():
    book = BudgetBook((budget(actual=()),))
    when = NOV.start + timedelta(days=1)
    opening = {("b", "2026-11"): Opening(own=D(0), others=D(95))}
    result = evaluate([charge(1, "5", when)], book, opening, set(), at(10))
    assert [t.crossing.threshold_percent for t in result.crossings] == [D(100)]


def test_the_status_of_a_budget():
    status = budget_status(budget(), "2026-11", D(160), at(12))
    assert status.forecast == D(400) and status.forecast_percent == D("133.33")
    assert status.thresholds_crossed == (D(50),)
    assert status.forecast_thresholds_crossed == (D(100),)
    assert status.percent == D("53.33") and status.elapsed_percent == D(40)
    assert status.time_left == timedelta(days=18)
    early = budget_status(budget(), "2026-11", D(160), at(1))
    assert early.forecast is None and early.forecast_thresholds_crossed == ()
    assert early.forecast_from == NOV.start + timedelta(days=6)


def test_the_sweep_finds_every_threshold_reached_actual_and_forecast():
    found = crossings_now(budget(), "2026-11", D(250), at(15))
    assert [(c.basis, c.threshold_percent) for c in found] == [
        ("actual", D(50)),
        ("actual", D(80)),
        ("forecast", D(100)),
    ]
