"""HTTP API of minimum commitments: a customer's shortfall for a billing period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel

from chargeback.web import Caller, forbid
from rating.domain import NoPriceBookInForce, commitment_shortfalls, period_bounds, total_shortfall
from rating.domain.pricing import plain
from rating.service_layer.pricebooks import PriceBookRegistry


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
CustomerId = Annotated[str, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]
Period = Annotated[str, Query(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]


@router.get("/commitments", response_model=CommitmentsPublic)
async def commitments(
    request: Request, caller: Caller, customer: CustomerId, period: Period
) -> CommitmentsPublic:
    """Committed units against usage so far, and the shortfall owed if the period closed now.

    Finance, or the customer's own key. The shortfall is final once `status` is closed.
    """
    if not caller.may_read_customer(customer):
        raise forbid(f"this key may not read customer {customer!r}")
    registry: PriceBookRegistry = request.app.state.registry
    await registry.refresh()
    catalog, now = registry.catalog, datetime.now(UTC)
    try:
        zone = catalog.in_force_at(now).customer(customer).zone
        start, end = period_bounds(period, zone)
        book = catalog.in_force_at(min(now, end - timedelta(microseconds=1)))
    except NoPriceBookInForce as missing:
        raise HTTPException(404, missing.message) from None
    used = await request.app.state.usage.used_in_period(customer, period)
    shortfalls = commitment_shortfalls(book, customer, used)
    return CommitmentsPublic(
        customer=customer,
        period=period,
        status="closed" if now >= end else "open",
        period_start=start,
        period_end=end,
        currency=book.currency,
        price_book_version=book.version,
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
            for item in shortfalls
        ],
        total_shortfall=plain(total_shortfall(shortfalls)),
    )
