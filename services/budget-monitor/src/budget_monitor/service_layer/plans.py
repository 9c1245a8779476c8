"""Proposing a plan and adding versions to it (finance's revisions, the business unit's
counter-proposals). Checks and writes of one change happen in one transaction."""

from __future__ import annotations

import asyncio
import secrets

from budget_monitor.domain import BudgetError
from budget_monitor.domain.periods import zone
from budget_monitor.domain.plans import (
    Actor,
    FiscalYear,
    Plan,
    PlanError,
    PlanEvent,
    PlanStateError,
    check_actor,
    check_state,
    clash,
)
from budget_monitor.service_layer.plan_drafting import Amounts, NewPlan, Target, draft
from budget_monitor.service_layer.plan_parts import (
    PlanParts,
    checked_budgets,
    load,
    member,
    target,
)
from budget_monitor.service_layer.plan_reforecast import original_of, reforecast_terms
from chargeback.money import MINOR_UNITS

__all__ = ["NewPlan", "add_version", "create"]


def _event(plan: Plan, action: str, actor: Actor, comment: str, version: int | None) -> PlanEvent:
    before = None if action == "propose" else plan.state
    return PlanEvent(
        plan.id,
        action,
        before,
        plan.state,
        version,
        actor.name,
        actor.role,
        comment,
        plan.updated_at,
    )


async def create(new: NewPlan, actor: Actor, parts: PlanParts) -> Plan:
    """A draft plan with its first version; PlanStateError if one overlaps it."""
    if new.currency not in MINOR_UNITS:
        raise PlanError("currency", f"{new.currency[:8]!r} is not a currency the platform bills in")
    original = await original_of(new.supersedes, parts)
    new = reforecast_terms(new, original, parts.first_month)
    year = FiscalYear(new.fiscal_year, new.first_month or 1)
    customer_zone = parts.registry.time_zones.get(new.scope.customer or "", "UTC")
    time_zone = new.time_zone or customer_zone
    try:
        zone(time_zone)
    except BudgetError as exc:
        raise PlanError("time_zone", str(exc)) from None
    now = parts.clock()
    plan_id = new.plan_id or "pln_" + secrets.token_hex(6)
    version = await draft(
        Target(new.scope, year, new.currency),
        new.stated,
        number=1,
        kind="proposal",
        actor=actor,
        now=now,
        actuals=parts.actuals,
    )
    plan = Plan(
        plan_id, new.scope, year, new.currency, time_zone, "draft",
        original.lineage if original else plan_id, actor.name, now, now,
        new.thresholds, new.forecast_thresholds, new.variance_threshold, new.supersedes,
        (version,),
    )  # fmt: skip
    checked_budgets(plan, parts.registry)  # what approval will make must be valid now

    def write() -> None:
        with parts.store.unit() as unit:
            if unit.get(plan_id) is not None:
                raise PlanStateError(f"plan id {plan_id!r} is taken")
            other = clash(plan, unit.plans())
            if other is not None:
                raise PlanStateError(
                    f"plan {other.id!r} ({other.state}) already plans "
                    f"{', '.join(f'{k} {v}' for k, v in plan.scope.as_dict().items())} "
                    f"for {other.year.label}"
                )
            unit.add(plan)
            unit.log(_event(plan, "propose", actor, new.stated.comment, 1))

    await asyncio.to_thread(write)
    return plan


async def add_version(plan_id: str, stated: Amounts, actor: Actor, parts: PlanParts) -> Plan:
    """A revision (finance) or a counter-proposal (the business unit) of a plan."""
    plan = await load(plan_id, parts)
    check_actor(plan, "version", actor, member=await member(plan, actor, parts))
    check_state(plan, "version")
    kind = "revision" if actor.finance else "counter"
    if kind == "counter" and not stated.comment.strip():
        raise PlanError("comment", "a counter-proposal says why")
    number = plan.latest.number + 1
    version = await draft(
        target(plan), stated, number=number, kind=kind, actor=actor, now=parts.clock(),
        actuals=parts.actuals,
    )  # fmt: skip

    def write() -> Plan:
        with parts.store.unit() as unit:
            current = unit.get(plan_id)
            assert current is not None  # plans are never deleted
            check_state(current, "version")
            if current.latest.number != plan.latest.number:
                raise PlanStateError(f"plan {plan_id!r} changed meanwhile; read it again")
            changed = current.with_version(version, version.created_at)
            unit.add_version(plan_id, version, version.created_at)
            unit.log(_event(changed, kind, actor, stated.comment, number))
            return changed

    return await asyncio.to_thread(write)
