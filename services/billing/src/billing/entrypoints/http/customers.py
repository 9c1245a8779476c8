"""Customers: billing's settings (kind, statement type, grace) and the terms in force now.

Settings are set here or in the settings file (API values win over the file). Terms
(name, cost center, time zone, currency, commitments) are shown as the price-book
version in force now states them; they change only by publishing a version, so a term
in a PUT body is refused (422) naming the field.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException
from pydantic import BaseModel

from billing.adapters.ledger.customers import CustomerState, default_state
from billing.domain.customer_settings import CustomerConfigError, parse_settings
from billing.domain.customers import book_at, customer_at
from billing.entrypoints.http.bodies import SETTINGS_BODY
from billing.entrypoints.http.deps import (
    Caller,
    Ledger,
    Now,
    Registry,
    finance_only,
    may_read,
)
from chargeback.web import ApiError, FieldProblem, errors
from chargeback.web.params import CustomerPath
from chargeback.web.schemas import check_body
from terms.domain import PriceBookCatalog
from terms.domain.pricing import plain

router = APIRouter(prefix="/v1/customers", tags=["customers"])


class CommittedPublic(BaseModel):
    service: str
    meter: str
    committed: str  # units a period


class TermsPublic(BaseModel):
    """The customer's terms in force now, and the price-book version stating them."""

    price_book_version: str | None  # null: no version in force (list terms, UTC)
    name: str
    cost_center: str | None
    time_zone: str
    currency: str | None
    commitments: list[CommittedPublic]


class CustomerPublic(BaseModel):
    id: str
    kind: str
    statement_type: str
    grace_hours: int | None  # null: the service default
    closed_through: str | None  # the last finalized period
    settings_source: str  # default | file | api
    terms: TermsPublic


def public(state: CustomerState, catalog: PriceBookCatalog, now: datetime) -> CustomerPublic:
    s, view = state.settings, customer_at(state.settings, catalog, now)
    return CustomerPublic(
        id=s.id,
        kind=s.kind,
        statement_type=s.statement,
        grace_hours=None if s.grace is None else int(s.grace.total_seconds() // 3600),
        closed_through=None if state.closed_through is None else str(state.closed_through),
        settings_source=state.source,
        terms=TermsPublic(
            price_book_version=view.price_book_version,
            name=view.name,
            cost_center=view.cost_center,
            time_zone=view.time_zone,
            currency=view.currency,
            commitments=[
                CommittedPublic(service=service, meter=meter, committed=plain(units))
                for service, meter, units in view.commitments
            ],
        ),
    )


@router.get("", responses=errors(403))
async def list_customers(
    caller: Caller, ledger: Ledger, registry: Registry, now: Now
) -> list[CustomerPublic]:
    """Customers with settings, and those the version in force now lists."""
    finance_only(caller, "list customers")
    catalog = await registry.refresh()
    moment = now()
    states = await asyncio.to_thread(ledger.customer_states)
    book = book_at(catalog, moment)
    for listed in book.customers if book else ():
        states.setdefault(listed, default_state(listed))
    return [public(states[i], catalog, moment) for i in sorted(states)]


@router.get("/{customer}", responses=errors(403, 404, r404="No settings and no terms"))
async def one_customer(
    caller: Caller, ledger: Ledger, registry: Registry, now: Now, customer: CustomerPath
) -> CustomerPublic:
    may_read(caller, customer)
    catalog = await registry.refresh()
    moment = now()
    states = await asyncio.to_thread(ledger.customer_states, [customer])
    book = book_at(catalog, moment)
    if customer not in states and (book is None or customer not in book.customers):
        raise HTTPException(404, f"no customer {customer!r}: no settings, no terms of its own")
    return public(states.get(customer) or default_state(customer), catalog, moment)


@router.put("/{customer}", responses=errors(403), openapi_extra={"requestBody": SETTINGS_BODY})
async def set_customer(
    caller: Caller,
    ledger: Ledger,
    registry: Registry,
    now: Now,
    customer: CustomerPath,
    settings: Annotated[dict[str, Any], Body()],
) -> CustomerPublic:
    """Billing settings (kind, statement_type, grace_days, grace_hours); they win over the
    file from now on. Terms are refused: they change by publishing a price-book version."""
    finance_only(caller, "set customer settings")
    try:
        parsed = parse_settings(customer, settings)
    except CustomerConfigError as exc:
        problem = FieldProblem(field=f"body.{exc.field}", reason=str(exc))
        raise ApiError(422, str(exc), [problem]) from None
    check_body(SETTINGS_BODY, settings)  # the types the schema states (a term is named above)
    await asyncio.to_thread(ledger.save_customers, [parsed], source="api")
    states = await asyncio.to_thread(ledger.customer_states, [customer])
    catalog = await registry.refresh()
    return public(states[customer], catalog, now())
