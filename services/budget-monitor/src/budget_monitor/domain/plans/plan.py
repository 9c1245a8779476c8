"""A budget plan: an annual amount for a scope and fiscal year, phased by month, kept in
versions, moving draft → submitted → approved or rejected (and, once a re-forecast of it
is approved, superseded). Every version is kept with who made it, when and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Literal

from budget_monitor.domain.budgets import Scope
from budget_monitor.domain.plans.fiscal import FiscalYear
from chargeback.money import exact_sum

State = Literal["draft", "submitted", "approved", "rejected", "superseded"]
LIVE: tuple[State, ...] = ("draft", "submitted", "approved")  # hold their scope and year
# proposal: the first; revision: finance changed it; counter: the business unit's answer.
VersionKind = Literal["proposal", "revision", "counter"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: the API key's name and role (a customer key names its customer)."""

    name: str
    role: str
    customer: str | None = None

    @property
    def finance(self) -> bool:
        return self.role == "finance"


@dataclass(frozen=True, slots=True)
class PlanVersion:
    number: int
    amount: Decimal
    months: tuple[tuple[str, Decimal], ...]  # (YYYY-MM, amount), in fiscal order
    phasing: str
    basis: str  # "explicit", or what the amount was proposed from
    kind: VersionKind
    author: str
    role: str
    comment: str
    created_at: datetime

    def __post_init__(self) -> None:
        if exact_sum(a for _, a in self.months) != self.amount:
            raise ValueError("a version's months must sum to its amount")

    @property
    def by_month(self) -> dict[str, Decimal]:
        return dict(self.months)


@dataclass(frozen=True, slots=True)
class Plan:
    id: str
    scope: Scope
    year: FiscalYear
    currency: str
    time_zone: str
    state: State
    lineage: str  # the first plan of its line: the budgets it makes are named after it
    created_by: str
    created_at: datetime
    updated_at: datetime
    thresholds: tuple[Decimal, ...] | None = None  # None: the budgets' defaults
    forecast_thresholds: tuple[Decimal, ...] | None = None
    variance_threshold: Decimal | None = None  # year-to-date % over plan that alerts
    supersedes: str | None = None  # the approved plan this one re-forecasts
    versions: tuple[PlanVersion, ...] = ()

    @property
    def latest(self) -> PlanVersion:
        return self.versions[-1]

    def version(self, number: int) -> PlanVersion | None:
        return next((v for v in self.versions if v.number == number), None)

    def with_version(self, version: PlanVersion, at: datetime) -> Plan:
        return replace(self, versions=(*self.versions, version), updated_at=at)

    def moved(self, state: State, at: datetime) -> Plan:
        return replace(self, state=state, updated_at=at)


def same_scope(a: Scope, b: Scope) -> bool:
    return a.as_dict() == b.as_dict()


def clash(candidate: Plan, others: Sequence[Plan]) -> Plan | None:
    """A live plan of the same scope whose fiscal year overlaps `candidate`'s (the plan a
    re-forecast supersedes does not count: it is replaced on approval)."""
    for other in others:
        if other.id in (candidate.id, candidate.supersedes) or other.state not in LIVE:
            continue
        if same_scope(other.scope, candidate.scope) and other.year.overlaps(candidate.year):
            return other
    return None


def belongs(scope: Scope, customer: str, cost_center_path: Sequence[str]) -> bool:
    """Whether a customer (with its cost centre's path in the terms in force) is of the
    business unit a plan is for: its own customer scope, or a cost centre at or above it."""
    if scope.customer is not None:
        return scope.customer == customer
    return scope.cost_center is not None and scope.cost_center in cost_center_path
