"""HTTP API: budget plans, their versions and the differences between them.

Finance proposes plans and revises them; a customer key of a plan's business unit reads
it and counter-proposes (a new version with a comment); every other key gets a counted 403.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query

from budget_monitor.entrypoints.deps import Finance, PartsDep, Reader
from budget_monitor.entrypoints.plan_inputs import PlanIn, VersionIn
from budget_monitor.entrypoints.plan_report_schemas import ChangePublic, DiffPublic, SidePublic
from budget_monitor.entrypoints.plan_schemas import (
    PlanList,
    PlanPublic,
    VersionList,
    VersionPublic,
)
from budget_monitor.entrypoints.plan_views import (
    actor_of,
    plan_errors,
    plan_parts,
    public,
    readable,
)
from budget_monitor.service_layer import plans as service
from budget_monitor.service_layer.plan_access import may_see
from budget_monitor.service_layer.plan_parts import terms_now
from budget_monitor.service_layer.plan_reports import versions_diff

router = APIRouter(prefix="/v1/budget-plans", tags=["budget plans"])
Ref = Annotated[str | None, Query(max_length=80, description="N, or <plan id>:N")]


@router.post("", response_model=PlanPublic, status_code=201)
async def propose(body: PlanIn, caller: Finance, parts: PartsDep) -> PlanPublic:
    """A draft plan (finance): 422 naming a bad field, 409 if a plan overlaps it."""
    found = plan_parts(parts)
    with plan_errors():
        plan = await service.create(body.new_plan(), actor_of(caller), found)
    return await public(plan, found)


@router.get("", response_model=PlanList)
async def list_plans(caller: Reader, parts: PartsDep) -> PlanList:
    """Every plan the caller may read (a customer key: its business unit's)."""
    found = plan_parts(parts)

    def read() -> list:  # type: ignore[type-arg]
        with found.store.reading() as unit:
            return unit.plans()

    catalog, now = await terms_now(found)
    actor = actor_of(caller)
    shown = [p for p in await asyncio.to_thread(read) if may_see(p, actor, catalog, now)]
    return PlanList(plans=[await public(p, found) for p in shown])


@router.get("/{plan_id}", response_model=PlanPublic)
async def get_plan(plan_id: str, caller: Reader, parts: PartsDep) -> PlanPublic:
    found = plan_parts(parts)
    return await public(await readable(plan_id, caller, found), found)


@router.get("/{plan_id}/versions", response_model=VersionList)
async def versions(plan_id: str, caller: Reader, parts: PartsDep) -> VersionList:
    """Every version, oldest first, with who made it, when and why."""
    plan = await readable(plan_id, caller, plan_parts(parts))
    return VersionList(plan_id=plan.id, versions=[VersionPublic.of(v) for v in plan.versions])


@router.post("/{plan_id}/versions", response_model=PlanPublic, status_code=201)
async def add_version(plan_id: str, body: VersionIn, caller: Reader, parts: PartsDep) -> PlanPublic:
    """A revision (finance) or a counter-proposal (the business unit, with a comment)."""
    found = plan_parts(parts)
    with plan_errors():
        plan = await service.add_version(plan_id, body.amounts(), actor_of(caller), found)
    return await public(plan, found)


@router.get("/{plan_id}/diff", response_model=DiffPublic)
async def diff(
    plan_id: str,
    caller: Reader,
    parts: PartsDep,
    before: Annotated[Ref, Query(alias="from")] = None,
    after: Annotated[Ref, Query(alias="to")] = None,
) -> DiffPublic:
    """Per month and for the year: default from the previous version (or the plan a
    re-forecast supersedes) to the latest."""
    found = plan_parts(parts)
    plan = await readable(plan_id, caller, found)
    with plan_errors():
        old, new, months, year = await versions_diff(plan, before, after, found)
    scope = plan.scope.as_dict()
    return DiffPublic(
        before=SidePublic.of(*old, scope),
        after=SidePublic.of(*new, scope),
        months=[ChangePublic.of(c) for c in months],
        full_year=ChangePublic.of(year),
    )
