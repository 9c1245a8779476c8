"""Period usage from the draft line totals: per customer, per meter (exact, any period state).

Line totals stay in place after finalization (frozen documents are copies), so
they answer for open and finalized periods alike, by billed period.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, select

from billing.adapters.ledger.schema import draft_invoice_lines as t


@dataclass(frozen=True, slots=True)
class UsageRow:
    customer: str
    service: str
    meter: str
    currency: str
    quantity: Decimal
    amount: Decimal


def period_usage(conn: Connection, period: str, service: str | None = None) -> list[UsageRow]:
    query = select(t.c.customer, t.c.service, t.c.meter, t.c.currency, t.c.quantity, t.c.amount)
    query = query.where(t.c.period == period)
    if service is not None:
        query = query.where(t.c.service == service)
    return [UsageRow(*row) for row in conn.execute(query.order_by(t.c.id))]
