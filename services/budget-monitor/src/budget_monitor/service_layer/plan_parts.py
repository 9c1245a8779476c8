"""What plan operations work with, and the checks every one of them shares."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from budget_monitor.adapters.sql.plans import SqlPlans
from budget_monitor.domain import FieldError
from budget_monitor.domain.plans import Actor, Plan, PlanError, budget_documents
from budget_monitor.service_layer import budgets
from budget_monitor.service_layer.actuals import ActualsSource
from budget_monitor.service_layer.budgets import Announce
from budget_monitor.service_layer.plan_access import is_member
from budget_monitor.service_layer.plan_drafting import Target
from budget_monitor.service_layer.registry import Registry
from chargeback.clock import Clock
from terms.domain import PriceBookCatalog


class PlanNotFound(LookupError):
    """No plan by that id (a 404)."""


@dataclass
class PlanParts:
    store: SqlPlans
    actuals: ActualsSource
    registry: Registry
    announce: Announce
    clock: Clock
    first_month: int = 1  # of a fiscal year, when a plan names none


def target(plan: Plan) -> Target:
    return Target(plan.scope, plan.year, plan.currency)


async def load(plan_id: str, parts: PlanParts) -> Plan:
    def read() -> Plan | None:
        with parts.store.reading() as unit:
            return unit.get(plan_id)

    plan = await asyncio.to_thread(read)
    if plan is None:
        raise PlanNotFound(f"no budget plan {plan_id[:64]!r}")
    return plan


async def terms_now(parts: PlanParts) -> tuple[PriceBookCatalog, datetime]:
    return await parts.registry.terms.refresh(), parts.clock()


async def member(plan: Plan, actor: Actor, parts: PlanParts) -> bool:
    catalog, now = await terms_now(parts)
    return is_member(plan, actor, catalog, now)


def checked_budgets(plan: Plan, registry: Registry) -> list[dict[str, Any]]:
    """The canonical documents of the budgets `plan` makes; PlanError names a bad field."""
    try:
        return [budgets.validate(doc, registry)[1] for doc in budget_documents(plan)]
    except FieldError as exc:
        raise PlanError(exc.field, exc.reason) from None
