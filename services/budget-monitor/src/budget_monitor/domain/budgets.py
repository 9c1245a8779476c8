"""A budget and the threshold crossings a change of its spend produces."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from budget_monitor.domain import exact
from budget_monitor.domain.errors import BudgetError
from budget_monitor.domain.forecast import ForecastRule
from budget_monitor.domain.periods import MonthlyUtc, PeriodRule, Window

Basis = Literal["actual", "forecast"]
DEFAULT_THRESHOLDS = (Decimal(50), Decimal(80), Decimal(100))
DEFAULT_FORECAST_THRESHOLDS = (Decimal(100),)
MONTHLY = MonthlyUtc()


def alert_id(budget_id: str, period: str, basis: Basis, threshold: Decimal) -> str:
    """The one id of an alert: the same crossing always gets the same id (50 == 50.0)."""
    canonical = format(threshold.normalize(), "f")
    digest = hashlib.sha256(f"{budget_id}\x1f{period}\x1f{basis}\x1f{canonical}".encode())
    return "alrt_" + digest.hexdigest()[:40]


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose spend a budget watches: a customer or a cost center (every charge whose
    cost-centre path names it: its own customers and those of every node below it), a
    service, or a customer (or cost center) and one service."""

    customer: str | None = None
    service: str | None = None
    cost_center: str | None = None

    def __post_init__(self) -> None:
        if not (self.customer or self.service or self.cost_center):
            raise BudgetError("scope: name a customer, a cost center or a service")
        if self.customer and self.cost_center:
            raise BudgetError("scope: a customer or a cost center, not both")

    def covers(self, customer: str, service: str, cost_centers: Sequence[str] = ()) -> bool:
        """`cost_centers`: the charge's cost centre and its ancestors (its path): a cost
        centre scope counts everything below its node."""
        return (
            self.customer in (None, customer)
            and self.service in (None, service)
            and (self.cost_center is None or self.cost_center in cost_centers)
        )

    def as_dict(self) -> dict[str, str]:
        named = {"customer": self.customer, "cost_center": self.cost_center}
        return {k: v for k, v in (named | {"service": self.service}).items() if v}


@dataclass(frozen=True, slots=True)
class Crossing:
    """Spend reached a threshold of a budget in a period."""

    budget_id: str
    period: str
    basis: Basis
    threshold_percent: Decimal
    budget_amount: Decimal
    spent: Decimal
    currency: str

    @property
    def alert_id(self) -> str:
        return alert_id(self.budget_id, self.period, self.basis, self.threshold_percent)


@dataclass(frozen=True, slots=True)
class Budget:
    id: str
    scope: Scope
    amount: Decimal
    currency: str
    period: PeriodRule = MONTHLY
    thresholds: tuple[Decimal, ...] = DEFAULT_THRESHOLDS  # on actual spend
    forecast_thresholds: tuple[Decimal, ...] = ()

    def __post_init__(self) -> None:
        if not self.amount.is_finite() or self.amount <= 0:
            raise BudgetError("amount must be greater than zero")
        if not self.thresholds and not self.forecast_thresholds:
            raise BudgetError("thresholds must name at least one percentage")
        for name in ("thresholds", "forecast_thresholds"):
            chosen: tuple[Decimal, ...] = getattr(self, name)
            if any(not t.is_finite() or t <= 0 for t in chosen):
                raise BudgetError(f"{name} must be percentages greater than zero")
            if len(set(chosen)) != len(chosen):
                raise BudgetError(f"{name} must not repeat")
            object.__setattr__(self, name, tuple(sorted(chosen)))

    def applies_to(
        self, customer: str, service: str, currency: str, cost_centers: Sequence[str] = ()
    ) -> bool:
        return self.currency == currency and self.scope.covers(customer, service, cost_centers)

    def level(self, threshold: Decimal) -> Decimal:
        """The spend at which `threshold` % of this budget is reached."""
        return exact.level(self.amount, threshold)

    def crossed(self, spent: Decimal) -> tuple[Decimal, ...]:
        """The thresholds that `spent` has reached (reaching one exactly counts)."""
        return tuple(t for t in self.thresholds if spent >= self.level(t))

    def percent(self, spent: Decimal) -> Decimal:
        """Spend as a percentage of the budget, to two places, for people to read."""
        return exact.percent_of(spent, self.amount).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def record(self, previous_spent: Decimal, new_spent: Decimal, *, period: str) -> list[Crossing]:
        """The thresholds crossed going from `previous_spent` to `new_spent`, lowest first.

        A threshold is crossed when the old spend was below its level and the new one
        reaches it; a jump over several thresholds crosses each of them once. Spend
        going down (a credit) crosses nothing.
        """
        return [
            Crossing(self.id, period, "actual", t, self.amount, new_spent, self.currency)
            for t in self.thresholds
            if previous_spent < self.level(t) <= new_spent
        ]

    def forecast_crossed(
        self, spent: Decimal, window: Window, rule: ForecastRule
    ) -> tuple[Decimal, ...]:
        """The forecast thresholds the run rate of `spent` reaches by the period's end."""
        return tuple(
            t for t in self.forecast_thresholds if rule.reaches(spent, self.level(t), window)
        )

    def forecast_crossings(
        self, spent: Decimal, window: Window, rule: ForecastRule, *, period: str
    ) -> list[Crossing]:
        """A crossing per forecast threshold reached (whether raised before is the
        caller's to know: the alert id is the same each time)."""
        return [
            Crossing(self.id, period, "forecast", t, self.amount, spent, self.currency)
            for t in self.forecast_crossed(spent, window, rule)
        ]
