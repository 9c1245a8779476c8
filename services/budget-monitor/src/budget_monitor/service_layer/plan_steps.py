"""Submitting, approving and rejecting a plan. Approval turns the plan into the budgets the
monitor evaluates (and retires the plan a re-forecast supersedes) in the same transaction,
then tells every worker, so alerts work at once."""

from __future__ import annotations

import asyncio
from typing import Any

from budget_monitor.adapters.sql.plans import PlanUnit
from budget_monitor.domain.plans import (
    Action,
    Actor,
    Plan,
    PlanEvent,
    PlanStateError,
    budget_prefix,
    check_actor,
    step,
)
from budget_monitor.service_layer.plan_parts import PlanParts, checked_budgets, load, member


async def take(
    plan_id: str,
    action: Action,
    actor: Actor,
    parts: PlanParts,
    *,
    comment: str = "",
    version: int | None = None,
) -> Plan:
    """Submit, approve or reject a plan (`version`: the one approved must be the latest)."""
    plan = await load(plan_id, parts)
    check_actor(plan, action, actor, member=await member(plan, actor, parts))
    step(plan, action)  # says why now, before any work
    documents = checked_budgets(plan, parts.registry) if action == "approve" else []

    def write() -> Plan:
        with parts.store.unit() as unit:
            current = unit.get(plan_id)
            assert current is not None  # plans are never deleted
            state = step(current, action)
            if version is not None and version != current.latest.number:
                raise PlanStateError(
                    f"version {version} of plan {plan_id!r} is not its latest "
                    f"({current.latest.number}): read that one before you {action} it"
                )
            if current.latest.number != plan.latest.number:
                raise PlanStateError(f"plan {plan_id!r} changed meanwhile; read it again")
            moved = current.moved(state, parts.clock())
            if action == "approve":
                _make_budgets(unit, moved, documents, actor)
            unit.move(plan_id, state, moved.updated_at)
            unit.log(_event(current, moved, action, actor, comment))
            return moved

    moved = await asyncio.to_thread(write)
    if action == "approve":
        await parts.announce()
    return moved


def _event(before: Plan, after: Plan, action: str, actor: Actor, comment: str) -> PlanEvent:
    return PlanEvent(
        after.id,
        action,
        before.state,
        after.state,
        after.latest.number,
        actor.name,
        actor.role,
        comment,
        after.updated_at,
    )


def _make_budgets(
    unit: PlanUnit, plan: Plan, documents: list[dict[str, Any]], actor: Actor
) -> None:
    wanted = {document["id"] for document in documents}
    foreign = sorted(i for i, origin in unit.origin_of(wanted).items() if origin != "plan")
    if foreign:
        raise PlanStateError(f"budgets {', '.join(foreign)} exist and were not made by a plan")
    made = set(unit.budget_origins(budget_prefix(plan.lineage)))
    unit.set_budgets(documents, sorted(made - wanted))
    if plan.supersedes is not None:
        original = unit.get(plan.supersedes)
        if original is not None and original.state == "approved":
            retired = original.moved("superseded", plan.updated_at)
            unit.move(original.id, "superseded", plan.updated_at)
            reason = f"re-forecast by plan {plan.id}"
            unit.log(_event(original, retired, "supersede", actor, reason))
