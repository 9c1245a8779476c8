"""What the budget routes share: who may see a budget, which period, the public form."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query

from budget_monitor.adapters.sql.budgets import StoredBudget
from budget_monitor.domain import Budget, BudgetError
from budget_monitor.entrypoints.deps import Parts, not_found
from budget_monitor.entrypoints.schemas import BudgetPublic
from chargeback.auth import ApiKey
from chargeback.contracts.types import BUDGET_PERIOD_PATTERN
from chargeback.web import errors, forbid


def _period_named(
    period: Annotated[
        str | None,
        Query(
            description="A period of the budget's own kind: 2026-11 (monthly), 2026-Q4 "
            "(quarterly), 2026 (annual) or its custom period 2026-11-05/2026-12-05; "
            "default: the current one",
            json_schema_extra={"pattern": BUDGET_PERIOD_PATTERN},
        ),
    ] = None,
) -> str | None:
    """The period asked for, in a form some budget could have (400 with the reason if not:
    a period outside the calendar is a 400 on every API)."""
    if period is not None and not re.fullmatch(BUDGET_PERIOD_PATTERN, period):
        raise HTTPException(
            400, f"period must be like 2026-11, 2026-Q4, 2026 (2000 to 2999), got {period[:32]!r}"
        )
    return period


PeriodQuery = Annotated[str | None, Depends(_period_named)]
# Refusals of the budget routes: a period not of the budget's kind, a budget not there.
READ_ERRORS = errors(
    400,
    403,
    404,
    r400="The period is not one a budget has, or not one of this budget's kind",
    r404="No such budget",
)


def visible(caller: ApiKey, budget: Budget) -> bool:
    """Customers see the budgets of their own customer scope, nothing wider."""
    if caller.role == "finance":
        return True
    return budget.scope.customer is not None and caller.may_read_customer(budget.scope.customer)


def period_of(budget: Budget, period: str | None, now: datetime) -> str:
    """The period asked for (400 with the reason if it is none of the budget's), else now's."""
    if period is None:
        return budget.period.shown_key(now)
    if not budget.period.is_key(period):
        raise HTTPException(400, f"period {period!r} is not a period of budget {budget.id!r}")
    try:
        budget.period.window(period)
    except BudgetError as outside:
        raise HTTPException(400, str(outside)) from None
    return period


def public_budget(
    budget: Budget, stored: StoredBudget | None, period: str, spent: Any
) -> BudgetPublic:
    window = budget.period.window(period)
    return BudgetPublic(
        **budget.scope.as_dict(),
        id=budget.id,
        amount=budget.amount,
        currency=budget.currency,
        period_kind=budget.period.name,
        period=period,
        period_start=window.start,
        period_end=window.end,
        time_zone=budget.period.time_zone,
        spent=spent,
        percent=budget.percent(spent),
        thresholds=list(budget.thresholds),
        forecast_thresholds=list(budget.forecast_thresholds),
        thresholds_crossed=list(budget.crossed(spent)),
        origin=stored.origin if stored else "api",
        updated_at=stored.updated_at if stored else "",
    )


async def one_budget(parts: Parts, budget_id: str, caller: ApiKey) -> Budget:
    budget = parts.registry.book.get(budget_id)
    if budget is None:
        await parts.registry.refresh()  # changed a moment ago by another worker?
        budget = parts.registry.book.get(budget_id)
    if budget is None:
        raise not_found("budget", budget_id)
    if not visible(caller, budget):
        raise forbid(f"budget {budget_id!r} is not one of yours")
    return budget
