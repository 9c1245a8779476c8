"""The budgets an approved plan is monitored by, as budget documents.

Named after the plan's line (`lineage`: the first plan, so a re-forecast updates the same
budgets and their spend so far is kept), all with the plan's scope, currency and time
zone, each a custom period cut at midnight in that zone:
- `<line>.<YYYY-MM>`: one per month, its phased amount (a month phased at zero has none);
- `<line>.year`: the fiscal year, the annual amount;
- `<line>.ytd.<YYYY-MM>` (with a variance threshold t): from the year's start through
  that month, the plan's amounts so far, one threshold at 100 + t % of actual spend: an
  alert when spend to date exceeds the plan to date by t %.
Thresholds of the monthly and annual budgets are the plan's (none named: the defaults).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from budget_monitor.domain.plans.plan import Plan
from chargeback.money import exact_sum
from terms.domain import Period


def budget_prefix(lineage: str) -> str:
    return f"{lineage}."


def _first_day(month: Period) -> str:
    return f"{month}-01"


def budget_documents(plan: Plan) -> list[dict[str, Any]]:
    version = plan.latest
    common: dict[str, Any] = {
        **plan.scope.as_dict(),
        "currency": plan.currency,
        "period": "custom",
        "time_zone": plan.time_zone,
    }
    if plan.thresholds is not None or plan.forecast_thresholds is not None:
        common["thresholds"] = [format(t, "f") for t in plan.thresholds or ()]
        common["forecast_thresholds"] = [format(t, "f") for t in plan.forecast_thresholds or ()]
    months = plan.year.months
    start, end = _first_day(months[0]), _first_day(months[-1].next())
    prefix = budget_prefix(plan.lineage)
    documents = []
    for month, (key, amount) in zip(months, version.months, strict=True):
        if amount > 0:
            bounds = {"period_start": _first_day(month), "period_end": _first_day(month.next())}
            documents.append(
                {**common, "id": f"{prefix}{key}", "amount": format(amount, "f"), **bounds}
            )
    year = {"period_start": start, "period_end": end}
    documents.append(
        {**common, "id": f"{prefix}year", "amount": format(version.amount, "f"), **year}
    )
    if plan.variance_threshold is not None:
        documents += _year_to_date(plan, common, start)
    return documents


def _year_to_date(plan: Plan, common: dict[str, Any], start: str) -> list[dict[str, Any]]:
    assert plan.variance_threshold is not None
    level = format((Decimal(100) + plan.variance_threshold).normalize(), "f")
    alerting = {"thresholds": [level], "forecast_thresholds": []}
    documents, so_far = [], Decimal(0)
    for month, (key, amount) in zip(plan.year.months, plan.latest.months, strict=True):
        so_far = exact_sum((so_far, amount))
        if so_far > 0:
            documents.append(
                {
                    **common,
                    **alerting,
                    "id": f"{budget_prefix(plan.lineage)}ytd.{key}",
                    "amount": format(so_far, "f"),
                    "period_start": start,
                    "period_end": _first_day(month.next()),
                }
            )
    return documents
