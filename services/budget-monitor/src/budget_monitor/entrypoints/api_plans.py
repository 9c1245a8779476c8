"""HTTP API: budget plans, their versions and the differences between them.

Finance proposes plans and revises them; a customer key of a plan's business unit reads
it and counter-proposes (a new version with a comment); every other key gets a counted 403.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Path, Query

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
from chargeback.web import errors
from chargeback.web.params import identifier_rule

router = APIRouter(prefix="/v1/budget-plans", tags=["budget plans"])
PlanId = Annotated[str, Path(**identifier_rule("The plan"))]
VERSION_REF = r"^([A-Za-z0-9][A-Za-z0-9._-]{0,127}:)?[0-9]{1,6}$"
Ref = Annotated[
    str | None, Query(max_length=140, pattern=VERSION_REF, description="N, or <plan id>:N")
]
R404 = "No such plan"


@router.post(
    "",
    response_model=PlanPublic,
    status_code=201,
    responses=errors(
        409, 502, r409="A plan for this scope and year exists", r502="Billing's actuals unread"
    ),
)
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


@router.get("/{plan_id}", response_model=PlanPublic, responses=errors(404, r404=R404))
async def get_plan(plan_id: PlanId, caller: Reader, parts: PartsDep) -> PlanPublic:
    """The plan, its history and the budgets it made."""
    found = plan_parts(parts)
    return await public(await readable(plan_id, caller, found), found)


@router.get("/{plan_id}/versions", response_model=VersionList, responses=errors(404, r404=R404))
async def versions(plan_id: PlanId, caller: Reader, parts: PartsDep) -> VersionList:
    """Every version, oldest first, with who made it, when and why."""
    plan = await readable(plan_id, caller, plan_parts(parts))
    return VersionList(plan_id=plan.id, versions=[VersionPublic.of(v) for v in plan.versions])


@router.post(
    "/{plan_id}/versions",
    response_model=PlanPublic,
    status_code=201,
    responses=errors(404, 409, r404=R404, r409="The plan's state takes no new version"),
)
async def add_version(
    plan_id: PlanId, body: VersionIn, caller: Reader, parts: PartsDep
) -> PlanPublic:
    """A revision (finance) or a counter-proposal (the business unit, with a comment)."""
    found = plan_parts(parts)
    with plan_errors():
        plan = await service.add_version(plan_id, body.amounts(), actor_of(caller), found)
    return await public(plan, found)


@router.get("/{plan_id}/diff", response_model=DiffPublic, responses=errors(404, r404=R404))
async def diff(
    plan_id: PlanId,
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
