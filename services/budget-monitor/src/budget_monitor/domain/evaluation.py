"""Evaluating a run of rated charges against the budgets: new spend and crossings.

Spend of a (budget, period) is kept as sub-totals, one per Kafka partition: the
partition being applied owns its own sub-total ("own"); the others' sum is read
alongside. Charges are applied in order, so each crossing names the charge that
made it. Pure: the caller reads the opening state and writes the result atomically.

Actual thresholds cross when the total goes from below a level to at or above it
(exactly one charge does that). Forecast thresholds are a state: every charge after
which the run-rate forecast reaches a level reports it (once per batch); the alert
id is the same each time, and the store keeps only the first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from budget_monitor.domain import exact
from budget_monitor.domain.book import BudgetBook
from budget_monitor.domain.budgets import Budget, Crossing
from budget_monitor.domain.forecast import ForecastRule
from budget_monitor.domain.periods import Window

SpendKey = tuple[str, str]  # (budget id, period)


@dataclass(frozen=True, slots=True)
class ChargeFacts:
    """What budgeting needs of a rated charge."""

    event_key: str  # source + id: the identity under which it is counted once
    event_id: str
    customer: str
    service: str
    amount: Decimal
    currency: str
    event_time: datetime
    cost_center: str | None = None  # the customer's, in the terms that rated the charge
    cost_center_path: tuple[str, ...] = ()  # that node and its ancestors, most specific first

    @property
    def cost_centers(self) -> tuple[str, ...]:
        """The nodes the charge counts for (a charge without a path: its cost centre)."""
        if self.cost_center_path:
            return self.cost_center_path
        return (self.cost_center,) if self.cost_center else ()


@dataclass(frozen=True, slots=True)
class Opening:
    own: Decimal = exact.ZERO  # this partition's sub-total
    others: Decimal = exact.ZERO  # every other partition's, summed


@dataclass(frozen=True, slots=True)
class Triggered:
    crossing: Crossing
    event_id: str


@dataclass
class Evaluation:
    own_totals: dict[SpendKey, Decimal] = field(default_factory=dict)  # changed ones only
    crossings: list[Triggered] = field(default_factory=list)
    counted: list[str] = field(default_factory=list)  # event keys now counted
    outcomes: Counter[str] = field(default_factory=Counter)


def spend_keys(charges: Iterable[ChargeFacts], book: BudgetBook) -> set[SpendKey]:
    """The (budget, period) pairs these charges may change."""
    found = set()
    for c in charges:
        for budget in book.for_charge(c.customer, c.service, c.currency, c.cost_centers):
            period = budget.period.key_for(c.event_time)
            if period is not None:
                found.add((budget.id, period))
    return found


def evaluate(
    charges: Sequence[ChargeFacts],
    book: BudgetBook,
    opening: Mapping[SpendKey, Opening],
    seen: Set[str],
    forecast: ForecastRule | None = None,
) -> Evaluation:
    """Apply `charges` in order; an event key in `seen` (or twice here) counts once.

    With a `forecast` rule, forecast thresholds are checked after every charge too."""
    result = Evaluation()
    counted: set[str] = set(seen)
    forecasts = _Forecasts(forecast)
    for charge in charges:
        budgets = book.for_charge(
            charge.customer, charge.service, charge.currency, charge.cost_centers
        )
        if not budgets:
            watched = book.watching(charge.customer, charge.service, charge.cost_centers)
            result.outcomes["other_currency" if watched else "no_budget"] += 1
            continue
        if charge.event_key in counted:
            result.outcomes["duplicate"] += 1
            continue
        counted.add(charge.event_key)
        result.counted.append(charge.event_key)
        result.outcomes["counted"] += 1
        for budget in budgets:
            period = budget.period.key_for(charge.event_time)
            if period is None:  # outside a custom period
                continue
            key = (budget.id, period)
            start = opening.get(key, Opening())
            own = result.own_totals.get(key, start.own)
            new_own = exact.add(own, charge.amount)
            result.own_totals[key] = new_own
            before, after = exact.add(start.others, own), exact.add(start.others, new_own)
            for crossing in budget.record(before, after, period=key[1]):
                result.crossings.append(Triggered(crossing, charge.event_id))
            for crossing in forecasts.reached(budget, key, after):
                result.crossings.append(Triggered(crossing, charge.event_id))
    return result


class _Forecasts:
    """Forecast crossings of one batch, each reported once."""

    def __init__(self, rule: ForecastRule | None) -> None:
        self.rule = rule
        self.windows: dict[SpendKey, Window] = {}
        self.reported: set[str] = set()

    def reached(self, budget: Budget, key: SpendKey, spent: Decimal) -> list[Crossing]:
        if self.rule is None or not budget.forecast_thresholds:
            return []
        window = self.windows.get(key)
        if window is None:
            window = self.windows[key] = budget.period.window(key[1])
        fresh = []
        for crossing in budget.forecast_crossings(spent, window, self.rule, period=key[1]):
            if crossing.alert_id not in self.reported:
                self.reported.add(crossing.alert_id)
                fresh.append(crossing)
        return fresh
