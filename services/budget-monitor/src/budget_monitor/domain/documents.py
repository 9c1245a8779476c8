"""A budget written back as its canonical document: what is stored and shown.

Only what the author named is kept (no time zone named: the customer's is used when
the budget is read; no thresholds named: the defaults), so a later change of the
customer's time zone or of the defaults still applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from budget_monitor.domain.budgets import Budget
from budget_monitor.domain.periods import CustomPeriod


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def document_of(budget: Budget, given: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical document of `budget`, read from the document `given`."""
    document: dict[str, Any] = {"id": budget.id}
    document |= {k: v for k, v in budget.scope.as_dict().items()}
    document |= {
        "amount": format(budget.amount, "f"),
        "currency": budget.currency,
        "period": budget.period.name,
    }
    if isinstance(budget.period, CustomPeriod):
        document["period_start"] = iso(budget.period.start)
        document["period_end"] = iso(budget.period.end)
    if given.get("time_zone"):
        document["time_zone"] = budget.period.time_zone
    if given.get("thresholds") is not None or given.get("forecast_thresholds") is not None:
        document["thresholds"] = [format(t, "f") for t in budget.thresholds]
        document["forecast_thresholds"] = [format(t, "f") for t in budget.forecast_thresholds]
    return document
