"""A plan version from what its author states: an amount (given, or proposed from the
ledger's actuals by a basis) and how it is phased over the fiscal year's months."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from budget_monitor.domain import Scope
from budget_monitor.domain.plans import (
    Actor,
    Basis,
    FiscalYear,
    Phasing,
    PlanError,
    PlanVersion,
    VersionKind,
    explicit,
    phase,
    propose,
)
from budget_monitor.service_layer.actuals import ActualsSource
from chargeback.money import exact_sum
from terms.domain import InvalidPeriodError, Period


@dataclass(frozen=True, slots=True)
class Amounts:
    """What a proposal, revision or counter-proposal states."""

    amount: Decimal | None = None
    basis: Basis | None = None
    phasing: Phasing = "even"
    months: Mapping[str, Decimal] | None = None
    comment: str = ""


@dataclass(frozen=True, slots=True)
class NewPlan:
    """A plan as proposed: its scope, year, currency, alerting and first version."""

    scope: Scope
    fiscal_year: int
    currency: str
    stated: Amounts
    plan_id: str | None = None
    first_month: int | None = None
    time_zone: str | None = None
    thresholds: tuple[Decimal, ...] | None = None
    forecast_thresholds: tuple[Decimal, ...] | None = None
    variance_threshold: Decimal | None = None
    supersedes: str | None = None  # an approved plan this one re-forecasts


@dataclass(frozen=True, slots=True)
class Target:
    """Whose plan, for which year, in which currency."""

    scope: Scope
    year: FiscalYear
    currency: str


async def last_year(target: Target, actuals: ActualsSource) -> dict[str, Decimal]:
    """Last year's actuals of each month of the plan, keyed by the plan's month."""
    if not target.year.has_prior:
        return {}
    prior = target.year.prior().keys
    found = await actuals.monthly(target.scope, prior[0], prior[-1], target.currency)
    return {m: found.months.get(target.year.last_year(m), Decimal(0)) for m in target.year.keys}


def rate_months(year: FiscalYear, now: datetime, count: int) -> tuple[str, str]:
    """The `count` complete months before the year starts (or before now, if earlier)."""
    try:
        last = min(year.months[0], Period(now.year, now.month)).previous()
        first = last
        for _ in range(count - 1):
            first = first.previous()
    except InvalidPeriodError:
        raise PlanError("basis.months", "those months fall before the calendar (2000-01)") from None
    return str(first), str(last)


async def draft(
    target: Target,
    stated: Amounts,
    *,
    number: int,
    kind: VersionKind,
    actor: Actor,
    now: datetime,
    actuals: ActualsSource,
) -> PlanVersion:
    """The version `stated` makes; PlanError names what cannot be."""
    if stated.amount is not None and stated.basis is not None:
        raise PlanError("basis", "give an amount or a basis, not both")
    if stated.months is not None and stated.phasing != "explicit":
        raise PlanError("months", "only explicit phasing takes the months")
    basis = stated.basis
    seasonal = stated.phasing == "seasonal" or (basis is not None and basis.kind == "prior_year")
    before = await last_year(target, actuals) if seasonal else {}
    amount = stated.amount
    if basis is not None and basis.kind == "prior_year":
        amount = propose(basis, list(before.values()), target.currency)
    elif basis is not None:
        first, last = rate_months(target.year, now, basis.months)
        found = await actuals.monthly(target.scope, first, last, target.currency)
        amount = propose(basis, list(found.months.values()), target.currency)
    if stated.phasing == "explicit":
        phased = explicit(stated.months or {}, target.year.keys, target.currency, amount)
    elif amount is None:
        raise PlanError("amount", "give an amount, a basis to propose one, or explicit months")
    else:
        phased = phase(
            amount, target.year.keys, target.currency, phasing=stated.phasing, last_year=before
        )
    return PlanVersion(
        number=number,
        amount=exact_sum(phased.values()),
        months=tuple(phased.items()),
        phasing=stated.phasing,
        basis=basis.describe() if basis is not None else "explicit",
        kind=kind,
        author=actor.name,
        role=actor.role,
        comment=stated.comment,
        created_at=now,
    )
