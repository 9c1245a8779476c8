"""HTTP API: where a budget stands: spent, forecast to the period's end, time left."""

from __future__ import annotations

from fastapi import APIRouter

from budget_monitor.domain import ForecastRule, budget_status
from budget_monitor.entrypoints.budget_views import READ_ERRORS, PeriodQuery, one_budget, period_of
from budget_monitor.entrypoints.deps import PartsDep, Reader
from budget_monitor.entrypoints.schemas import BudgetStatusPublic

router = APIRouter(prefix="/v1", tags=["budgets"])


@router.get("/budgets/{budget_id}/status", response_model=BudgetStatusPublic, responses=READ_ERRORS)
async def budget_status_of(
    budget_id: str, caller: Reader, parts: PartsDep, period: PeriodQuery = None
) -> BudgetStatusPublic:
    """Spent, percent, forecast to the period's end, thresholds crossed, time left."""
    budget = await one_budget(parts, budget_id, caller)
    now = parts.clock()
    key = (budget.id, period_of(budget, period, now))
    spent = (await parts.spend.spent([key]))[key]
    rule = ForecastRule(now, parts.settings.forecast_min_elapsed_percent)
    status = budget_status(budget, key[1], spent, rule)
    return BudgetStatusPublic(
        id=budget.id,
        period=status.period,
        period_start=status.window.start,
        period_end=status.window.end,
        time_zone=budget.period.time_zone,
        amount=budget.amount,
        currency=budget.currency,
        spent=spent,
        percent=status.percent,
        forecast=status.forecast,
        forecast_percent=status.forecast_percent,
        forecast_available_from=status.forecast_from,
        thresholds=list(budget.thresholds),
        forecast_thresholds=list(budget.forecast_thresholds),
        thresholds_crossed=list(status.thresholds_crossed),
        forecast_thresholds_crossed=list(status.forecast_thresholds_crossed),
        elapsed_percent=status.elapsed_percent,
        time_left_s=status.time_left.total_seconds(),
    )
