"""HTTP API: the negotiation's steps (submit, approve, reject) and a plan's variance.

Finance or the plan's business unit submits; only finance approves or rejects (any other
key: a counted 403, nothing changed). Approval makes the plan's budgets at once.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from budget_monitor.domain.plans import Action
from budget_monitor.entrypoints.api_plans import PlanId
from budget_monitor.entrypoints.deps import PartsDep, Reader
from budget_monitor.entrypoints.plan_inputs import StepIn
from budget_monitor.entrypoints.plan_report_schemas import (
    DriverPublic,
    LinePublic,
    VariancePublic,
)
from budget_monitor.entrypoints.plan_schemas import PlanPublic
from budget_monitor.entrypoints.plan_views import (
    actor_of,
    plan_errors,
    plan_parts,
    public,
    readable,
    variance_csv,
)
from budget_monitor.service_layer.plan_reports import variance_of
from budget_monitor.service_layer.plan_steps import take
from chargeback.web import errors
from chargeback.web.params import period_rule

router = APIRouter(prefix="/v1/budget-plans", tags=["budget plans"])
STEP_ERRORS = errors(404, 409, r404="No such plan", r409="The plan's state forbids this step")
Through = Annotated[str | None, Query(**period_rule("Through this month of the plan's year"))]


async def _step(
    plan_id: str, action: Action, body: StepIn | None, caller: Reader, parts: PartsDep
) -> PlanPublic:
    found, given = plan_parts(parts), body or StepIn()
    with plan_errors():
        plan = await take(
            plan_id, action, actor_of(caller), found, comment=given.comment, version=given.version
        )
    return await public(plan, found)


@router.post("/{plan_id}/submit", response_model=PlanPublic, responses=STEP_ERRORS)
async def submit(
    plan_id: PlanId, caller: Reader, parts: PartsDep, body: StepIn | None = None
) -> PlanPublic:
    """draft → submitted (finance or the plan's business unit)."""
    return await _step(plan_id, "submit", body, caller, parts)


@router.post("/{plan_id}/approve", response_model=PlanPublic, responses=STEP_ERRORS)
async def approve(
    plan_id: PlanId, caller: Reader, parts: PartsDep, body: StepIn | None = None
) -> PlanPublic:
    """submitted → approved (finance only): the plan's budgets are made or updated."""
    return await _step(plan_id, "approve", body, caller, parts)


@router.post("/{plan_id}/reject", response_model=PlanPublic, responses=STEP_ERRORS)
async def reject(
    plan_id: PlanId, caller: Reader, parts: PartsDep, body: StepIn | None = None
) -> PlanPublic:
    """submitted → rejected (finance only)."""
    return await _step(plan_id, "reject", body, caller, parts)


@router.get(
    "/{plan_id}/variance",
    response_model=VariancePublic,
    responses={
        200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"},
        **errors(404, 502, r404="No such plan", r502="Billing's actuals unread"),
    },
)
async def variance(
    plan_id: PlanId,
    caller: Reader,
    parts: PartsDep,
    through: Through = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> VariancePublic | PlainTextResponse:
    """Per month and year to date: plan, actual (the ledger's), forecast, variance and
    variance %; the full-year outturn; the customers and services that moved most."""
    found = plan_parts(parts)
    plan = await readable(plan_id, caller, found)
    with plan_errors():
        report = await variance_of(plan, through, found)
    if format == "csv":
        name = f"{plan.id}-variance-{report.through}.csv"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return PlainTextResponse(variance_csv(report), media_type="text/csv", headers=headers)
    return VariancePublic(
        plan_id=plan.id,
        version=plan.latest.number,
        currency=plan.currency,
        through=report.through,
        forecast_method=report.forecast_method,
        months=[LinePublic.of(line) for line in report.months],
        year_to_date=LinePublic.of(report.year_to_date),
        full_year=LinePublic.of(report.full_year),
        outturn=report.outturn,
        by_customer=[DriverPublic(**vars_of(d)) for d in report.by_customer],
        by_service=[DriverPublic(**vars_of(d)) for d in report.by_service],
    )


def vars_of(driver: object) -> dict[str, object]:
    return {k: getattr(driver, k) for k in DriverPublic.model_fields}
