"""Finds thresholds reached without a charge crossing them, and raises their alerts.

The consumer raises an alert when a charge takes spend over a threshold. A few
crossings happen without one: a budget lowered below what is already spent, a
budget whose forecast becomes available (its minimum share of the period passed)
while nobody spends. Every worker sweeps the current periods now and then and
after every change of budgets; alert ids are deterministic, so a crossing already
raised (or pending) is never raised again.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from budget_monitor.adapters.alert_outbox import AlertOutbox
from budget_monitor.adapters.alert_store import RedisAlertStore
from budget_monitor.adapters.spend_store import RedisSpendStore
from budget_monitor.domain import Budget, BudgetBook, Crossing, ForecastRule
from budget_monitor.service_layer.alert_messages import alert_json


def crossings_now(
    budget: Budget, period: str, spent: Decimal, rule: ForecastRule
) -> list[Crossing]:
    actual = [
        Crossing(budget.id, period, "actual", t, budget.amount, spent, budget.currency)
        for t in budget.crossed(spent)
    ]
    window = budget.period.window(period)
    return actual + budget.forecast_crossings(spent, window, rule, period=period)


async def sweep(
    book: BudgetBook,
    spend: RedisSpendStore,
    alerts: RedisAlertStore,
    outbox: AlertOutbox,
    *,
    min_elapsed_percent: Decimal,
    now: datetime,
) -> int:
    """Raise what the current periods have reached but nobody raised; how many."""
    rule = ForecastRule(now, min_elapsed_percent)
    current = [(b, b.period.key_for(rule.now)) for b in book]
    keyed = [(b, p) for b, p in current if p is not None]
    if not keyed:
        return 0
    spent = await spend.spent([(b.id, p) for b, p in keyed])
    found = {c.alert_id: c for b, p in keyed for c in crossings_now(b, p, spent[b.id, p], rule)}
    missing = await alerts.not_raised(list(found))
    recorded = await alerts.record_missed(
        [(i, alert_json(found[i], book, raised_at=now)) for i in missing]
    )
    if recorded:
        await outbox.flush(missing)
    return recorded
