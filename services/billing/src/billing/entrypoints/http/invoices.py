"""A customer's current document of a period, its finalization, the charges behind it."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, HTTPException

from billing.entrypoints.http.deps import (
    After,
    Books,
    Caller,
    Ledger,
    Limit,
    Registry,
    Settings,
    finance_only,
    may_read,
    page_limit,
    valid_identifier,
    valid_period,
)
from billing.entrypoints.http.schemas import ChargePagePublic, ChargePublic, DocumentPublic
from billing.service_layer.finalization import PeriodNotOverError, finalize_now
from billing.service_layer.statements import (
    AmbiguousCurrencyError,
    DocumentView,
    current_document,
    period_customer,
)
from chargeback.money import MINOR_UNITS
from chargeback.web import errors
from chargeback.web.params import (
    CurrencyQuery,
    CustomerPath,
    CustomerQuery,
    MeterQuery,
    PeriodPath,
    PeriodQuery,
    ServiceQuery,
)

DEFAULT_PAGE_SIZE = 100

router = APIRouter(prefix="/v1/invoices", tags=["invoices"])


@router.get("", responses=errors(400, 403, 409, r409="Charges in several currencies: name one"))
async def current_invoice(
    caller: Caller,
    ledger: Ledger,
    books: Books,
    registry: Registry,
    settings: Settings,
    customer: CustomerQuery,
    period: PeriodQuery,
    currency: CurrencyQuery = None,
) -> DocumentPublic:
    """The customer's document of the period: frozen once finalized, else the live draft."""
    may_read(caller, customer)
    customer = valid_identifier(customer, field="customer")
    month = valid_period(period)
    if currency is not None and currency not in MINOR_UNITS:
        raise HTTPException(422, f"currency {currency!r} is not one the platform bills in")
    catalog = await registry.refresh()
    try:
        view = await asyncio.to_thread(
            current_document,
            ledger,
            books,
            catalog=catalog,
            customer_id=customer,
            period=month,
            currency=currency,
            default_currency=settings.default_currency,
        )
    except AmbiguousCurrencyError as exc:
        raise HTTPException(409, str(exc)) from None
    return DocumentPublic.of(view)


@router.post(
    "/{customer}/{period}/finalize",
    responses=errors(400, 403, 409, r409="The period has not ended yet"),
)
async def finalize_period(
    caller: Caller,
    ledger: Ledger,
    books: Books,
    registry: Registry,
    settings: Settings,
    customer: CustomerPath,
    period: PeriodPath,
) -> list[DocumentPublic]:
    """Finalize the period (and any open one before it): numbered, frozen, posted."""
    finance_only(caller, "finalize periods")
    customer = valid_identifier(customer, field="customer")
    month = valid_period(period)
    catalog = await registry.refresh()
    try:
        numbers = await asyncio.to_thread(
            finalize_now,
            ledger,
            books,
            catalog=catalog,
            customer_id=customer,
            period=month,
            now=books.clock(),
            default_currency=settings.default_currency,
        )
    except PeriodNotOverError as exc:
        raise HTTPException(409, str(exc)) from None
    views = []
    for number in numbers:
        stored = await asyncio.to_thread(books.document, number)
        if stored is not None:
            who, _ = await asyncio.to_thread(
                period_customer, ledger, catalog, customer, stored.document.period
            )
            views.append(DocumentView(stored.document, who, stored))
    return [DocumentPublic.of(view) for view in views]


@router.get("/{customer}/{period}/charges", responses=errors(400, 403))
async def charges_behind_invoice(
    caller: Caller,
    ledger: Ledger,
    settings: Settings,
    customer: CustomerPath,
    period: PeriodPath,
    service: ServiceQuery = None,
    meter: MeterQuery = None,
    limit: Limit = None,
    after: After = 0,
) -> ChargePagePublic:
    """The charges (event ids, exact amounts) billed on a document or one of its lines."""
    may_read(caller, customer)
    customer = valid_identifier(customer, field="customer")
    month = valid_period(period)
    if service is not None:
        service = valid_identifier(service, field="service")
    if meter is not None:
        meter = valid_identifier(meter, field="meter")
    limit = page_limit(limit, settings, DEFAULT_PAGE_SIZE)
    page = await asyncio.to_thread(
        ledger.charges,
        customer=customer,
        period=month,
        service=service,
        meter=meter,
        after=after,
        limit=limit,
    )
    return ChargePagePublic(
        customer=customer,
        period=str(month),
        service=service,
        meter=meter,
        charges=[ChargePublic.of(charge) for charge in page],
        next_after=page[-1].id if len(page) == limit else None,
    )
