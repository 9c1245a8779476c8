"""The alert a crossing raises, as the JSON published to budget.alerts and delivered."""

from __future__ import annotations

from datetime import datetime

from budget_monitor.domain import BudgetBook, Crossing
from chargeback import codec
from chargeback.contracts import BudgetAlert


def alert_json(
    crossing: Crossing, book: BudgetBook, *, raised_at: datetime, event_id: str | None = None
) -> str:
    """The alert JSON of `crossing` (`event_id`: the charge that made it, if one did)."""
    budget = book.get(crossing.budget_id)
    alert = BudgetAlert(
        alert_id=crossing.alert_id,
        budget_id=crossing.budget_id,
        period=crossing.period,
        basis=crossing.basis,
        threshold_percent=crossing.threshold_percent,
        budget_amount=crossing.budget_amount,
        spent=crossing.spent,
        currency=crossing.currency,
        scope=budget.scope.as_dict() if budget else {},
        triggered_by_event_id=event_id,
        raised_at=raised_at,
    )
    return str(codec.encode(alert).decode())
