"""Where a budget stands in a period: spent, forecast, thresholds crossed, time left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from budget_monitor.domain.budgets import Budget
from budget_monitor.domain.forecast import ForecastRule, percent
from budget_monitor.domain.periods import Window


@dataclass(frozen=True, slots=True)
class BudgetStatus:
    budget: Budget
    period: str
    window: Window
    spent: Decimal
    percent: Decimal
    forecast: Decimal | None  # None until the minimum share of the period has passed
    forecast_percent: Decimal | None
    forecast_from: datetime
    thresholds_crossed: tuple[Decimal, ...]
    forecast_thresholds_crossed: tuple[Decimal, ...]
    elapsed_percent: Decimal
    time_left: timedelta


def budget_status(budget: Budget, period: str, spent: Decimal, rule: ForecastRule) -> BudgetStatus:
    """The status of `budget` in `period` (a key of its rule) at `rule.now`."""
    window = budget.period.window(period)
    forecast = rule.amount(spent, window)
    elapsed = rule.elapsed(window)
    return BudgetStatus(
        budget=budget,
        period=period,
        window=window,
        spent=spent,
        percent=budget.percent(spent),
        forecast=forecast,
        forecast_percent=None if forecast is None else percent(forecast, budget.amount),
        forecast_from=rule.available_from(window),
        thresholds_crossed=budget.crossed(spent),
        forecast_thresholds_crossed=budget.forecast_crossed(spent, window, rule),
        elapsed_percent=percent(
            Decimal(elapsed.total_seconds()), Decimal(window.length.total_seconds())
        ),
        time_left=window.end - window.start - elapsed,
    )
