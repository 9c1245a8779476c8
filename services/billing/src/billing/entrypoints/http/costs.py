"""Service costs, their allocation to consumers, and cost recovery per service."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Path, Query
from pydantic import BaseModel

from billing.domain.costs import CostConfigError, cost_to_raw, parse_service_cost
from billing.domain.recovery import totals
from billing.entrypoints.http.bodies import COST_BODY
from billing.entrypoints.http.deps import (
    Books,
    Caller,
    finance_only,
    scope_customer,
    valid_period,
)
from billing.entrypoints.http.schemas import decimal_text
from billing.service_layer.costing import allocations, cost_recovery
from chargeback.contracts.types import PERIOD_PATTERN
from chargeback.web import errors
from chargeback.web.params import PeriodQuery, ServiceQuery, identifier_rule
from chargeback.web.schemas import check_body

router = APIRouter(tags=["costs"])


@router.get("/v1/costs", responses=errors(403))
async def list_costs(caller: Caller, books: Books) -> list[dict[str, Any]]:
    """Every cost definition; period '*' applies to periods without their own."""
    finance_only(caller, "read costs")
    found = await asyncio.to_thread(books.cost_definitions)
    return [{"service": s, "period": p, **cost_to_raw(c)} for s, p, c in found]


@router.put(
    "/v1/costs/{service}",
    responses=errors(400, 403),
    openapi_extra={"requestBody": COST_BODY},
)
async def set_costs(
    caller: Caller,
    books: Books,
    service: Annotated[str, Path(**identifier_rule("The service"))],
    definition: Annotated[dict[str, Any], Body()],
    period: Annotated[
        str,
        Query(
            max_length=7,
            description="YYYY-MM, or * for every period",
            json_schema_extra={"pattern": rf"^\*$|{PERIOD_PATTERN}"},
        ),
    ] = "*",
) -> dict[str, Any]:
    """Set a service's costs (fixed per period, variable per unit, allocation rule)."""
    finance_only(caller, "set costs")
    check_body(COST_BODY, definition)
    month = period if period == "*" else str(valid_period(period))
    try:
        cost = parse_service_cost(service, definition)
    except CostConfigError as exc:
        raise HTTPException(422, str(exc)) from None
    await asyncio.to_thread(books.save_costs, [(month, cost)], source="api")
    return {"service": service, "period": month, **cost_to_raw(cost)}


class SharePublic(BaseModel):
    customer: str
    weight: str
    amount: str


class AllocationPublic(BaseModel):
    service: str
    period: str
    currency: str
    method: str
    fixed_cost: str
    unallocated: str
    shares: list[SharePublic]


@router.get("/v1/allocation", responses=errors(400, 403))
async def allocation(
    caller: Caller, books: Books, period: PeriodQuery, service: ServiceQuery = None
) -> list[AllocationPublic]:
    """Each service's fixed cost spread over its consumers; a customer key sees its shares."""
    own = scope_customer(caller, None)
    month = str(valid_period(period))
    found = await asyncio.to_thread(allocations, books, month, service)
    return [
        AllocationPublic(
            service=a.service,
            period=a.period,
            currency=a.currency,
            method=a.method,
            fixed_cost=decimal_text(a.fixed_cost),
            unallocated=decimal_text(a.unallocated),
            shares=[
                SharePublic(
                    customer=s.customer,
                    weight=decimal_text(s.weight),
                    amount=decimal_text(s.amount),
                )
                for s in a.shares
                if own is None or s.customer == own
            ],
        )
        for a in found
    ]


class RecoveryPublic(BaseModel):
    service: str
    currency: str
    income: str
    shown: str  # showback: shown, not charged
    fixed_cost: str
    variable_cost: str
    total_cost: str
    recovery: str  # income - total cost
    recovery_percent: str | None
    outcome: str  # over | under | exact


@router.get("/v1/cost-recovery", responses=errors(400, 403))
async def recovery(caller: Caller, books: Books, period: PeriodQuery) -> dict[str, Any]:
    """Income against fixed + variable cost for every service, and the totals per currency."""
    finance_only(caller, "read cost recovery")
    month = str(valid_period(period))
    report = await asyncio.to_thread(cost_recovery, books, month)
    services = [
        RecoveryPublic(
            service=r.service,
            currency=r.currency,
            income=decimal_text(r.income),
            shown=decimal_text(r.shown),
            fixed_cost=decimal_text(r.fixed_cost),
            variable_cost=decimal_text(r.variable_cost),
            total_cost=decimal_text(r.total_cost),
            recovery=decimal_text(r.recovery),
            recovery_percent=None
            if r.recovery_percent is None
            else decimal_text(r.recovery_percent),
            outcome=r.outcome,
        )
        for r in report
    ]
    return {
        "period": month,
        "services": services,
        "totals": [
            {
                "currency": t.currency,
                "income": decimal_text(t.income),
                "total_cost": decimal_text(t.total_cost),
                "recovery": decimal_text(t.recovery),
                "recovery_percent": None
                if t.recovery_percent is None
                else decimal_text(t.recovery_percent),
            }
            for t in totals(report)
        ],
    }
