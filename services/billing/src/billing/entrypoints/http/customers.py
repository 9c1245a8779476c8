"""Customer settings: statement type, cost center, time zone, currency, grace, commitments."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException

from billing.adapters.ledger.customers import CustomerState
from billing.domain.customers import Customer, CustomerConfigError, parse_customer
from billing.entrypoints.http.deps import Caller, Ledger, finance_only, may_read, valid_identifier

router = APIRouter(prefix="/v1/customers", tags=["customers"])


def public(state: CustomerState) -> dict[str, Any]:
    c: Customer = state.customer
    return {
        "id": c.id,
        "name": c.name,
        "kind": c.kind,
        "statement_type": c.statement,
        "cost_center": c.cost_center,
        "time_zone": c.time_zone,
        "currency": c.currency,
        "grace_hours": None if c.grace is None else int(c.grace.total_seconds() // 3600),
        "commitments": len(c.commitments),
        "closed_through": None if state.closed_through is None else str(state.closed_through),
        "settings_source": state.source,
    }


@router.get("")
async def list_customers(caller: Caller, ledger: Ledger) -> list[dict[str, Any]]:
    finance_only(caller, "list customers")
    states = await asyncio.to_thread(ledger.customer_states)
    return [public(s) for s in states.values()]


@router.get("/{customer}")
async def one_customer(caller: Caller, ledger: Ledger, customer: str) -> dict[str, Any]:
    may_read(caller, customer)
    customer = valid_identifier(customer, field="customer")
    states = await asyncio.to_thread(ledger.customer_states, [customer])
    if customer not in states:
        raise HTTPException(404, f"no settings for customer {customer!r} (defaults apply)")
    return public(states[customer])


@router.put("/{customer}")
async def set_customer(
    caller: Caller, ledger: Ledger, customer: str, settings: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """Settings as in the price book's `customers` entry; they win over the file from now on."""
    finance_only(caller, "set customer settings")
    customer = valid_identifier(customer, field="customer")
    try:
        parsed = parse_customer(customer, settings)
    except (CustomerConfigError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from None
    await asyncio.to_thread(ledger.save_customers, [parsed], source="api")
    states = await asyncio.to_thread(ledger.customer_states, [customer])
    return public(states[customer])
