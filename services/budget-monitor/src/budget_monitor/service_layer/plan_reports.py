"""Reading plans: the variance of a plan against the ledger's actuals, and the difference
between two versions (of one plan, or of a re-forecast and the plan it supersedes)."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from budget_monitor.domain.plans import (
    Change,
    Plan,
    PlanError,
    PlanVersion,
    Variance,
    diff,
    variance,
)
from budget_monitor.service_layer.actuals import Detail
from budget_monitor.service_layer.plan_parts import PlanNotFound, PlanParts, load
from chargeback.money import ZERO
from terms.domain import Period


def current_month(plan: Plan, parts: PlanParts) -> str:
    """Now's month in the plan's zone, kept within its fiscal year."""
    month = str(Period.of(parts.clock(), ZoneInfo(plan.time_zone)))
    keys = plan.year.keys
    return min(max(month, keys[0]), keys[-1])


async def variance_of(plan: Plan, through: str | None, parts: PlanParts) -> Variance:
    """Plan, actual, forecast and variance through `through` (default: this month)."""
    year, scope, currency = plan.year, plan.scope, plan.currency
    gone = year.through(through or current_month(plan, parts))
    now = await parts.actuals.monthly(scope, year.keys[0], gone[-1], currency)
    last_year: dict[str, Decimal] = {}
    last_detail: list[Detail] = []
    if year.has_prior:
        prior = year.prior().keys
        then = await parts.actuals.monthly(scope, prior[0], prior[-1], currency)
        same_months = {year.last_year(m) for m in gone}
        last_year = {m: then.months.get(year.last_year(m), ZERO) for m in year.keys}
        last_detail = [d for d in then.detail if d[0] in same_months]
    return variance(
        plan.latest.by_month,
        gone,
        {m: now.months.get(m, ZERO) for m in gone},
        last_year,
        currency,
        [d for d in now.detail if d[0] in gone],
        last_detail,
    )


Side = tuple[str, PlanVersion]  # (plan id, version)


async def version_at(plan: Plan, ref: str, parts: PlanParts, field: str) -> Side:
    """A version by reference: `N` (of `plan`) or `<plan id>:N` (of a plan of its line)."""
    other, _, number = ref.rpartition(":")
    owner = plan
    if other and other != plan.id:
        try:
            owner = await load(other, parts)
        except PlanNotFound as exc:
            raise PlanError(field, str(exc)) from None
        if owner.lineage != plan.lineage:
            raise PlanError(field, f"plan {other!r} is not of plan {plan.id!r}'s line")
    found = owner.version(int(number)) if number.isdigit() else None
    if found is None:
        raise PlanError(field, f"{ref[:80]!r} is no version of plan {owner.id!r}")
    return owner.id, found


async def versions_diff(
    plan: Plan, before: str | None, after: str | None, parts: PlanParts
) -> tuple[Side, Side, tuple[Change, ...], Change]:
    """`before` and `after` (default: the previous version, or the superseded plan's
    latest, and this plan's latest)."""
    if before is None:
        if len(plan.versions) > 1:
            before = str(plan.versions[-2].number)
        elif plan.supersedes is not None:
            before = f"{plan.supersedes}:{(await load(plan.supersedes, parts)).latest.number}"
        else:
            before = str(plan.latest.number)
    old = await version_at(plan, before, parts, "from")
    new = await version_at(plan, after or str(plan.latest.number), parts, "to")
    months, year = diff(old[1], new[1])
    return old, new, months, year
