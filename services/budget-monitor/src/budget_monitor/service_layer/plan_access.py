"""Who may see and negotiate a plan: finance, and the plan's business unit.

A customer key is of a plan's business unit when the plan's scope is its customer, or a
cost centre at or above the customer's own in the terms in force now (its cost centre's
path names the plan's node). Plans of a service alone have no business unit: finance only.
"""

from __future__ import annotations

from datetime import datetime

from budget_monitor.domain.plans import Actor, Plan, belongs
from terms.domain import NoPriceBookInForce, PriceBookCatalog


def cost_center_path(catalog: PriceBookCatalog, customer: str, now: datetime) -> tuple[str, ...]:
    try:
        return catalog.in_force_at(now).customer(customer).cost_center_path
    except NoPriceBookInForce:
        return ()


def is_member(plan: Plan, actor: Actor, catalog: PriceBookCatalog, now: datetime) -> bool:
    if actor.role != "customer" or actor.customer is None:
        return False
    return belongs(plan.scope, actor.customer, cost_center_path(catalog, actor.customer, now))


def may_see(plan: Plan, actor: Actor, catalog: PriceBookCatalog, now: datetime) -> bool:
    return actor.finance or is_member(plan, actor, catalog, now)
