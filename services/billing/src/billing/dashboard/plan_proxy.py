"""Same-origin reads of the budget monitor's plans for the dashboard's Plans view: the
plans, one plan with its history, its versions, its variance and a diff, passed on with
the caller's own key (the monitor applies its role rules itself), like the budgets."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response

from billing.dashboard.proxy import get_from_monitor
from billing.entrypoints.http.deps import Caller
from chargeback.web import errors
from chargeback.web.params import identifier_rule, period_rule

router = APIRouter(prefix="/v1/budget-monitor/budget-plans", tags=["dashboard"])
PlanId = Annotated[str, Path(**identifier_rule("The plan"))]
# A version of a plan: its number, or `<plan id>:<number>` of a plan of its line.
Ref = Annotated[
    str | None, Query(max_length=140, pattern=r"^([A-Za-z0-9][A-Za-z0-9._-]{0,127}:)?[0-9]{1,6}$")
]
PASSED_ON = {
    200: {
        "description": "The budget monitor's answer, as it gives it "
        "(contracts/openapi/budget-monitor.json)",
        "content": {"application/json": {"schema": {"type": "object"}}},
    },
    **errors(
        400,
        403,
        404,
        422,
        502,
        r400="Passed on: a month not in the calendar or not in the plan's year",
        r403="Passed on: not a plan of the caller's business unit, or an emitter key",
        r404="Passed on: no such plan or version",
        r422="Invalid request (here, or passed on)",
    ),
}


def _plan(plan_id: str) -> str:
    return f"/v1/budget-plans/{quote(plan_id)}"


@router.get("", responses=PASSED_ON)
async def plans(request: Request, _: Caller) -> Response:
    """The monitor's `GET /v1/budget-plans`: the plans the caller may read."""
    return await get_from_monitor(request, "/v1/budget-plans", {})


@router.get("/{plan_id}", responses=PASSED_ON)
async def plan(request: Request, _: Caller, plan_id: PlanId) -> Response:
    """The monitor's plan with its history and the budgets it made."""
    return await get_from_monitor(request, _plan(plan_id), {})


@router.get("/{plan_id}/versions", responses=PASSED_ON)
async def versions(request: Request, _: Caller, plan_id: PlanId) -> Response:
    """Every version of the plan: who, when, why, and its months."""
    return await get_from_monitor(request, f"{_plan(plan_id)}/versions", {})


@router.get("/{plan_id}/variance", responses=PASSED_ON)
async def variance(
    request: Request,
    _: Caller,
    plan_id: PlanId,
    through: Annotated[
        str | None, Query(**period_rule("Through this month (default: now)"))
    ] = None,
) -> Response:
    """The plan against actual and forecast, per month and year to date."""
    return await get_from_monitor(request, f"{_plan(plan_id)}/variance", {"through": through})


@router.get("/{plan_id}/diff", responses=PASSED_ON)
async def diff(
    request: Request,
    _: Caller,
    plan_id: PlanId,
    before: Annotated[Ref, Query(alias="from")] = None,
    after: Annotated[Ref, Query(alias="to")] = None,
) -> Response:
    """Two versions of the plan compared per month."""
    return await get_from_monitor(request, f"{_plan(plan_id)}/diff", {"from": before, "to": after})
