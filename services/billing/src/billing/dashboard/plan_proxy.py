"""Same-origin reads of the budget monitor's plans for the dashboard's Plans view: the
plans, one plan with its history, its versions, its variance and a diff, passed on with
the caller's own key (the monitor applies its role rules itself), like the budgets."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from billing.dashboard.proxy import _get
from billing.entrypoints.http.deps import Caller, valid_identifier

router = APIRouter(prefix="/v1/budget-monitor/budget-plans", tags=["dashboard"])
Ref = Annotated[str | None, Query(max_length=80)]


def _plan(plan_id: str) -> str:
    return f"/v1/budget-plans/{quote(valid_identifier(plan_id, field='plan_id'))}"


@router.get("")
async def plans(request: Request, _: Caller) -> Response:
    """The monitor's `GET /v1/budget-plans`: the plans the caller may read."""
    return await _get(request, "/v1/budget-plans", {})


@router.get("/{plan_id}")
async def plan(request: Request, _: Caller, plan_id: str) -> Response:
    return await _get(request, _plan(plan_id), {})


@router.get("/{plan_id}/versions")
async def versions(request: Request, _: Caller, plan_id: str) -> Response:
    return await _get(request, f"{_plan(plan_id)}/versions", {})


@router.get("/{plan_id}/variance")
async def variance(
    request: Request,
    _: Caller,
    plan_id: str,
    through: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    return await _get(request, f"{_plan(plan_id)}/variance", {"through": through})


@router.get("/{plan_id}/diff")
async def diff(
    request: Request,
    _: Caller,
    plan_id: str,
    before: Annotated[Ref, Query(alias="from")] = None,
    after: Annotated[Ref, Query(alias="to")] = None,
) -> Response:
    return await _get(request, f"{_plan(plan_id)}/diff", {"from": before, "to": after})
