"""Reading the ledger: a period's draft lines, and the charges behind a line.

`period` here is the billed period: a draft's lines include late usage of earlier,
finalized periods (their `usage_period` says which).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, select

from billing.adapters.ledger.schema import draft_invoice_lines, rated_charges
from billing.domain.invoices import DraftLine
from terms.domain import Period


@dataclass(frozen=True, slots=True)
class StoredCharge:
    """One charge as the ledger holds it; `id` orders charges and is the page cursor."""

    id: int
    event_source: str
    event_id: str
    service: str
    meter: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    currency: str
    price_book_version: str
    event_time: datetime
    rated_at: datetime
    recorded_at: datetime
    period: str  # the usage period, as the charge carries it
    billed_period: str
    time_zone: str  # the zone that cut `period`
    cost_center: str | None  # the one the charge was made for
    batch_id: int | None
    breakdown: str = "[]"  # JSON: the rating steps that made the amount, as rating sent them


_CHARGE_COLUMNS = [rated_charges.c[name] for name in StoredCharge.__dataclass_fields__]


def draft_lines(conn: Connection, customer: str, period: Period) -> list[DraftLine]:
    t = draft_invoice_lines
    rows = conn.execute(
        select(
            t.c.service,
            t.c.meter,
            t.c.unit,
            t.c.currency,
            t.c.quantity,
            t.c.amount,
            t.c.charge_count,
            t.c.usage_period,
        )
        .where(t.c.customer == customer, t.c.period == str(period))
        .order_by(t.c.usage_period, t.c.service, t.c.meter, t.c.unit, t.c.currency)
    )
    return [
        DraftLine(
            row.service,
            row.meter,
            row.unit,
            row.currency,
            row.quantity,
            row.amount,
            row.charge_count,
            row.usage_period,
        )
        for row in rows
    ]


def charges_behind(
    conn: Connection,
    *,
    customer: str,
    period: Period,
    service: str | None,
    meter: str | None,
    after: int,
    limit: int,
) -> list[StoredCharge]:
    """Up to `limit` charges billed in the customer's period (or one line), ids above `after`."""
    t = rated_charges
    query = select(*_CHARGE_COLUMNS).where(
        t.c.customer == customer, t.c.billed_period == str(period), t.c.id > after
    )
    if service is not None:
        query = query.where(t.c.service == service)
    if meter is not None:
        query = query.where(t.c.meter == meter)
    rows = conn.execute(query.order_by(t.c.id).limit(limit))
    return [StoredCharge(**row._asdict()) for row in rows]
