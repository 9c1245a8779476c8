"""HTTP API of minimum commitments: a customer's shortfall for a billing period."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from chargeback.web import Caller, errors, forbid
from chargeback.web.params import CustomerQuery, PeriodQuery
from terms.domain import InvalidPeriodError, NoPriceBookInForce, Period, period_commitments
from terms.domain.pricing import plain
from terms.service_layer.registry import PriceBookRegistry


class CommitmentPublic(BaseModel):
    service: str
    meter: str
    unit: str
    committed: str
    used: str
    shortfall_quantity: str
    shortfall_amount: str


class CommitmentsPublic(BaseModel):
    customer: str
    period: str
    status: Literal["open", "closed"]
    period_start: datetime
    period_end: datetime
    currency: str
    price_book_version: str
    commitments: list[CommitmentPublic]
    total_shortfall: str


router = APIRouter(prefix="/v1", tags=["commitments"])


@router.get(
    "/commitments",
    response_model=CommitmentsPublic,
    responses=errors(400, 403, 404, r404="No price-book version is in force for the period"),
)
async def commitments(
    request: Request, caller: Caller, customer: CustomerQuery, period: PeriodQuery
) -> CommitmentsPublic:
    """Committed units against usage so far, and the shortfall owed if the period closed now.

    Finance, or the customer's own key. The shortfall is final once `status` is closed;
    billing's shortfall line of that period is the same figure (one computation).
    """
    if not caller.may_read_customer(customer):
        raise forbid(f"this key may not read customer {customer!r}")
    try:
        month = Period.parse(period)
    except InvalidPeriodError as invalid:
        raise HTTPException(400, str(invalid)) from None
    registry: PriceBookRegistry = request.app.state.registry
    catalog = await registry.refresh()
    used = await request.app.state.usage.used_in_period(customer, period)
    try:
        owed = period_commitments(catalog, customer, month, used)
    except NoPriceBookInForce as missing:
        raise HTTPException(404, missing.message) from None
    return CommitmentsPublic(
        customer=customer,
        period=period,
        status="closed" if datetime.now(UTC) >= owed.end else "open",
        period_start=owed.start,
        period_end=owed.end,
        currency=owed.book.currency,
        price_book_version=owed.book.version,
        commitments=[
            CommitmentPublic(
                service=item.service,
                meter=item.meter,
                unit=item.unit,
                committed=plain(item.committed),
                used=plain(item.used),
                shortfall_quantity=plain(item.quantity),
                shortfall_amount=plain(item.amount),
            )
            for item in owed.shortfalls
        ],
        total_shortfall=plain(owed.total),
    )
