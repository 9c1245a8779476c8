"""Spend rolled up the cost-centre tree, and actual spend per month over a range.

`GET /v1/cost-centers?period=` is the tree of the terms closing the period with each
node's spend (its own, and all below it). `GET /v1/actuals?from=&to=` is spend per
billing period for a scope (customer, cost-centre node, service): what the budget
monitor plans from and measures variance against. Finance reads everything; a customer
key only its own customer's charges (asking for another's is a counted 403).
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from billing.adapters.ledger.rollup_reads import Scope
from billing.entrypoints.http.deps import (
    Caller,
    Ledger,
    Registry,
    Settings,
    scope_customer,
    valid_identifier,
    valid_period,
)
from billing.entrypoints.http.rollup_schemas import ActualsPublic, CostCentersPublic
from billing.service_layer.rollups import actuals, tree_spend
from chargeback.money import MINOR_UNITS
from chargeback.web import errors
from chargeback.web.params import CurrencyQuery, identifier_or_empty, period_rule

router = APIRouter(tags=["cost centers"])
CustomerFilter = Annotated[str | None, Query(**identifier_or_empty("The customer"))]
CostCenterFilter = Annotated[str | None, Query(**identifier_or_empty("The cost-centre node"))]
ServiceFilter = Annotated[str | None, Query(**identifier_or_empty("The service"))]
Month = Annotated[str, Query(**period_rule())]
READ_ERRORS = errors(400, 403, r400="A period not in the calendar, or a range over 36 months")


def _name(value: str | None, field: str) -> str | None:
    return None if value in (None, "") else valid_identifier(value, field=field)


def _currency(value: str | None, default: str) -> str:
    if value is None:
        return default
    if value not in MINOR_UNITS:
        raise HTTPException(422, f"currency {value[:8]!r} is not one the platform bills in")
    return value


@router.get("/v1/cost-centers", responses=READ_ERRORS)
async def cost_centers(
    caller: Caller,
    ledger: Ledger,
    registry: Registry,
    settings: Settings,
    period: Month,
    customer: CustomerFilter = None,
    currency: CurrencyQuery = None,
) -> CostCentersPublic:
    """The cost-centre tree with each node's spend in `period` (in one currency)."""
    customer = scope_customer(caller, _name(customer, "customer"))
    month = valid_period(period)
    chosen = _currency(currency, settings.default_currency)
    catalog = await registry.refresh()
    scope = Scope(customer=customer, currency=chosen)
    found = await asyncio.to_thread(tree_spend, ledger.engine, catalog, month, scope)
    return CostCentersPublic.of(found, chosen, customer)


@router.get("/v1/actuals", responses=READ_ERRORS)
async def monthly_actuals(
    caller: Caller,
    ledger: Ledger,
    settings: Settings,
    first: Annotated[str, Query(alias="from", **period_rule("The first billing period"))],
    last: Annotated[str, Query(alias="to", **period_rule("The last billing period"))],
    customer: CustomerFilter = None,
    cost_center: CostCenterFilter = None,
    service: ServiceFilter = None,
    currency: CurrencyQuery = None,
) -> ActualsPublic:
    """Spend per billing period from `from` to `to` (at most 36 months) for a scope."""
    customer = scope_customer(caller, _name(customer, "customer"))
    start, end = valid_period(first), valid_period(last)
    chosen = _currency(currency, settings.default_currency)
    scope = Scope(customer, _name(cost_center, "cost_center"), _name(service, "service"), chosen)
    try:
        found = await asyncio.to_thread(actuals, ledger.engine, start, end, scope)
    except ValueError as exc:
        raise HTTPException(400, f"from/to: {exc}") from None
    return ActualsPublic.of(
        found,
        first=str(start),
        last=str(end),
        currency=chosen,
        customer=customer,
        cost_center=scope.cost_center,
        service=scope.service,
    )
