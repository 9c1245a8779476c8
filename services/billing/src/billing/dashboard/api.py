"""The dashboard's read API: a period's spend, the filters' choices, who is signed in.

Same role rules as the invoices: finance reads everything, a customer key only its
own customer (asking for another is a counted 403), an emitter key nothing.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from billing.adapters.ledger import SqlLedger
from billing.dashboard.filter_schemas import CallerPublic, FilterChoicesPublic
from billing.dashboard.report import period_spend
from billing.dashboard.schemas import SpendPublic
from billing.dashboard.spend_reads import Choices, Filters, choices
from billing.entrypoints.http.deps import (
    Caller,
    Ledger,
    Registry,
    Settings,
    scope_customer,
    valid_period,
)
from chargeback.money import MINOR_UNITS
from chargeback.web import errors
from chargeback.web.params import CurrencyQuery, identifier_or_empty, period_rule
from terms.domain import PriceBookCatalog

router = APIRouter(tags=["dashboard"])
PeriodQuery = Annotated[
    str | None, Query(**period_rule("YYYY-MM, 2000-01 to 2999-12 (default: the current UTC month)"))
]
CustomerFilter = Annotated[str | None, Query(**identifier_or_empty("The customer"))]
CostCenterFilter = Annotated[str | None, Query(**identifier_or_empty("The cost center"))]
ServiceFilter = Annotated[str | None, Query(**identifier_or_empty("The service"))]
READ_ERRORS = errors(400, 403)


def _period(period: str | None, now: datetime) -> str:
    return str(valid_period(period)) if period is not None else now.strftime("%Y-%m")


def _optional(value: str | None) -> str | None:
    return value or None


@router.get("/v1/spend", responses=READ_ERRORS)
async def spend(
    request: Request,
    caller: Caller,
    ledger: Ledger,
    registry: Registry,
    settings: Settings,
    period: PeriodQuery = None,
    customer: CustomerFilter = None,
    cost_center: CostCenterFilter = None,
    service: ServiceFilter = None,
    currency: CurrencyQuery = None,
) -> SpendPublic:
    """Rated spend of a period: total, by customer, by service, by day, run-rate forecast."""
    customer = scope_customer(caller, _optional(customer))
    now = ledger.clock()
    filters = Filters(
        period=_period(period, now),
        customer=customer,
        cost_center=_optional(cost_center),
        service=_optional(service),
    )
    if currency is not None and currency not in MINOR_UNITS:
        raise HTTPException(422, f"currency {currency!r} is not one the platform bills in")
    catalog = await registry.refresh()
    report = await asyncio.to_thread(
        period_spend,
        ledger.engine,
        filters,
        catalog=catalog,
        now=now,
        currency=currency,
        default_currency=settings.default_currency,
        min_elapsed_percent=request.app.state.dashboard.forecast_min_elapsed_percent,
    )
    return SpendPublic.of(report)


@router.get("/v1/dashboard/filters", responses=READ_ERRORS)
async def filter_choices(
    caller: Caller, ledger: Ledger, registry: Registry, period: PeriodQuery = None
) -> FilterChoicesPublic:
    """The customers, cost centers and services the filters offer for a period."""
    only = scope_customer(caller, None)
    month = _period(period, ledger.clock())
    catalog = await registry.refresh()
    found = await asyncio.to_thread(_choices, ledger, catalog, month, only)
    return FilterChoicesPublic.of(month, found)


def _choices(
    ledger: SqlLedger, catalog: PriceBookCatalog, period: str, only: str | None
) -> Choices:
    with ledger.reading() as conn:
        return choices(conn, catalog, period, only)


@router.get("/v1/dashboard/me")
async def who_am_i(caller: Caller) -> CallerPublic:
    """The signed-in key's role and customer: the page limits its filters to them."""
    return CallerPublic(role=caller.role, customer=caller.customer, name=caller.name)
