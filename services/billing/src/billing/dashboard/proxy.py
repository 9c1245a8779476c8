"""Same-origin proxy to the budget monitor's read API, so the page needs one address.

Only the reads the dashboard makes are passed on (budgets, a budget's status, alerts,
the live alert feed), always to BILLING_BUDGET_MONITOR_URL, with the caller's own key:
the monitor applies its role rules itself. The key is checked here first too, so the
proxy relays nothing for a stranger. A monitor that does not answer is a 502 that says so.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

import httpx
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from billing.dashboard.settings import DashboardSettings
from billing.entrypoints.http.deps import Caller
from chargeback.contracts.types import BUDGET_PERIOD_PATTERN
from chargeback.web import errors
from chargeback.web.params import identifier_rule

router = APIRouter(prefix="/v1/budget-monitor", tags=["dashboard"])
PeriodQuery = Annotated[
    str | None,
    Query(
        max_length=32,
        json_schema_extra={"pattern": BUDGET_PERIOD_PATTERN},
        description="A period of the budget's kind: 2026-11, 2026-Q4, 2026, or its custom one "
        "(the budget monitor checks it: 400)",
    ),
]
BudgetId = Annotated[str, Path(**identifier_rule("The budget"))]
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
        r400="Passed on: a period not of the budget's kind",
        r404="Passed on: no such budget",
        r422="Invalid request (here, or passed on)",
    ),
}


def monitor_settings(request: Request) -> DashboardSettings:
    settings: DashboardSettings = request.app.state.dashboard
    return settings


def unreachable(settings: DashboardSettings, exc: Exception) -> HTTPException:
    return HTTPException(
        502,
        f"the budget monitor does not answer at {settings.budget_monitor_url} "
        f"({type(exc).__name__}); is it running?",
    )


def passed_on(answer: httpx.Response, body: bytes) -> Response:
    kind = answer.headers.get("content-type", "application/json")
    return Response(body, status_code=answer.status_code, media_type=kind)


async def get_from_monitor(
    request: Request, path: str, params: dict[str, str | int | None]
) -> Response:
    settings = monitor_settings(request)
    query = {k: v for k, v in params.items() if v is not None}
    headers = {"Authorization": request.headers["authorization"]}
    async with httpx.AsyncClient(
        base_url=settings.budget_monitor_url, timeout=settings.budget_monitor_timeout_s
    ) as client:
        try:
            answer = await client.get(path, params=query, headers=headers)
        except httpx.HTTPError as exc:
            raise unreachable(settings, exc) from None
    return passed_on(answer, answer.content)


@router.get("/budgets", responses=PASSED_ON)
async def budgets(request: Request, _: Caller, period: PeriodQuery = None) -> Response:
    """The monitor's `GET /v1/budgets`: budgets with their spend in the current period."""
    return await get_from_monitor(request, "/v1/budgets", {"period": period})


@router.get("/budgets/{budget_id}/status", responses=PASSED_ON)
async def budget_status(
    request: Request, _: Caller, budget_id: BudgetId, period: PeriodQuery = None
) -> Response:
    """The monitor's budget status: spent, forecast, thresholds crossed."""
    return await get_from_monitor(
        request, f"/v1/budgets/{quote(budget_id)}/status", {"period": period}
    )


@router.get("/alerts", responses=PASSED_ON)
async def alerts(
    request: Request,
    _: Caller,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    budget_id: Annotated[str | None, Query(max_length=128)] = None,
) -> Response:
    """The monitor's raised alerts, newest first."""
    return await get_from_monitor(request, "/v1/alerts", {"limit": limit, "budget_id": budget_id})
