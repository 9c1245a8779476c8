"""A re-forecast: a new plan superseding an approved one, for the same scope, year and
currency (and time zone), which keeps the original for comparison until it is approved."""

from __future__ import annotations

from dataclasses import replace

from budget_monitor.domain.plans import Plan, PlanError, PlanStateError
from budget_monitor.service_layer.plan_drafting import NewPlan
from budget_monitor.service_layer.plan_parts import PlanNotFound, PlanParts, load


async def original_of(supersedes: str | None, parts: PlanParts) -> Plan | None:
    """The approved plan a re-forecast names (PlanError if none; PlanStateError if not
    approved)."""
    if supersedes is None:
        return None
    try:
        original = await load(supersedes, parts)
    except PlanNotFound as exc:
        raise PlanError("supersedes", str(exc)) from None
    if original.state != "approved":
        raise PlanStateError(
            f"only an approved plan is re-forecast; plan {original.id!r} is {original.state} "
            "(add a version to it instead)"
        )
    return original


def reforecast_terms(new: NewPlan, original: Plan | None, default_month: int) -> NewPlan:
    """A re-forecast keeps the original's scope, year, currency and zone."""
    if original is None:
        return replace(new, first_month=new.first_month or default_month)
    for field, mine, theirs in (
        ("scope", new.scope.as_dict(), original.scope.as_dict()),
        ("fiscal_year", new.fiscal_year, original.year.year),
        ("currency", new.currency, original.currency),
    ):
        if mine != theirs:
            raise PlanError(field, f"a re-forecast keeps the original's ({theirs})")
    return replace(new, first_month=original.year.first_month, time_zone=original.time_zone)
