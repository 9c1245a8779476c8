"""Streaming a period's charges for exports: one query per document, read in chunks.

The query follows the (customer, billed_period, service, meter, id) index, so it
neither sorts nor holds a period's charges in memory; PostgreSQL streams it
through a server-side cursor.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, select

from billing.adapters.ledger.reads import _CHARGE_COLUMNS, StoredCharge
from billing.adapters.ledger.schema import rated_charges as t

CHUNK = 5000


def charges_billed(
    conn: Connection, *, customer: str, period: str, currency: str
) -> Iterator[StoredCharge]:
    query = (
        select(*_CHARGE_COLUMNS)
        .where(t.c.customer == customer, t.c.billed_period == period, t.c.currency == currency)
        .order_by(t.c.service, t.c.meter, t.c.id)
        .execution_options(yield_per=CHUNK)
    )
    for row in conn.execute(query):
        yield StoredCharge(*row)
