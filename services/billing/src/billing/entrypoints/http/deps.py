"""Dependencies of the billing routes: the ledger, the terms in force, who may read what."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from pydantic import TypeAdapter, ValidationError

from billing.adapters.ledger import SqlBooks, SqlLedger
from billing.settings import BillingSettings
from chargeback.auth import ApiKey
from chargeback.clock import Clock
from chargeback.contracts.types import Identifier
from chargeback.web import Caller, forbid
from terms.domain import InvalidPeriodError, Period
from terms.service_layer.registry import PriceBookRegistry

_IDENTIFIER: TypeAdapter[str] = TypeAdapter(Identifier)


def get_ledger(request: Request) -> SqlLedger:
    ledger: SqlLedger = request.app.state.ledger
    return ledger


def get_books(request: Request) -> SqlBooks:
    books: SqlBooks = request.app.state.books
    return books


def get_settings(request: Request) -> BillingSettings:
    settings: BillingSettings = request.app.state.settings
    return settings


def get_registry(request: Request) -> PriceBookRegistry:
    """The published price-book versions: `await registry.refresh()` before each use of
    terms (after the caller's role is checked), so a new version counts without a restart."""
    registry: PriceBookRegistry = request.app.state.registry
    return registry


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


Ledger = Annotated[SqlLedger, Depends(get_ledger)]
Books = Annotated[SqlBooks, Depends(get_books)]
Settings = Annotated[BillingSettings, Depends(get_settings)]
Registry = Annotated[PriceBookRegistry, Depends(get_registry)]
Now = Annotated[Clock, Depends(get_clock)]


def finance_only(caller: ApiKey, what: str) -> None:
    """403 (counted) unless the key is finance's; checked before any work."""
    if caller.role != "finance":
        raise forbid(f"role {caller.role!r} may not {what}; needs finance")


def scope_customer(caller: ApiKey, customer: str | None) -> str | None:
    """The customer a listing is limited to: a customer key sees only its own."""
    if caller.role == "finance":
        return customer
    if caller.role != "customer":
        raise forbid(f"role {caller.role!r} may not read billing; needs customer or finance")
    if customer is not None and customer != caller.customer:
        raise forbid("a customer key may read only its own customer's documents")
    return caller.customer


def may_read(caller: ApiKey, customer: str) -> None:
    """403 (counted) unless the key may read this customer's billing; checked before any work."""
    if caller.role not in ("customer", "finance"):
        raise forbid(f"role {caller.role!r} may not read invoices; needs customer or finance")
    if not caller.may_read_customer(customer):
        raise forbid("a customer key may read only its own customer's invoices")


def valid_identifier(value: str, *, field: str) -> str:
    try:
        return _IDENTIFIER.validate_python(value)
    except ValidationError:
        raise HTTPException(
            422,
            f"{field} must be 1-128 characters of letters, digits and ._:- "
            f"starting with a letter or digit, got {value[:40]!r}",
        ) from None


def valid_period(value: str) -> Period:
    """The period named (YYYY-MM, 2000-01 to 2999-12), or 400 with the reason: checked at
    the door, before any work (an export never starts streaming with a bad one)."""
    try:
        return Period.parse(value)
    except InvalidPeriodError as exc:
        raise HTTPException(400, str(exc)) from None


# A page size a client may ask for; pages hold at most BILLING_MAX_PAGE_SIZE of them.
MAX_LIMIT = 10_000
Limit = Annotated[
    int | None,
    Query(
        ge=1,
        le=MAX_LIMIT,
        description="page size (default 100; at most the service's "
        "BILLING_MAX_PAGE_SIZE, 1000 unless set, whatever is asked)",
    ),
]


After = Annotated[
    int, Query(ge=0, le=2**63 - 1, description="`next_after` of the previous page (0: first)")
]


def page_limit(limit: int | None, settings: BillingSettings, default: int = 100) -> int:
    if limit is None:
        return min(default, settings.max_page_size)
    return min(limit, settings.max_page_size)


__all__ = [
    "After",
    "Books",
    "Caller",
    "Ledger",
    "Limit",
    "Now",
    "Registry",
    "Settings",
    "finance_only",
    "may_read",
    "page_limit",
    "scope_customer",
    "valid_identifier",
    "valid_period",
]
