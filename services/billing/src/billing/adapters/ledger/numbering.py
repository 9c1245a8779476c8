"""Unbroken document numbers: taken in the transaction that freezes the document.

The series row is updated (and so locked) by the finalizing transaction; if that
transaction fails, the number goes back with it. Numbers therefore have no gaps,
whether finalizations run concurrently or one crashes half-way.
"""

from __future__ import annotations

from sqlalchemy import Connection, update

from billing.adapters.ledger.accounting_schema import billing_sequences as t
from billing.adapters.ledger.dialect import upsert


def take_number(conn: Connection, series: str) -> int:
    conn.execute(
        upsert(conn, t).on_conflict_do_nothing(index_elements=["series"]),
        {"series": series, "last_number": 0},
    )
    statement = (
        update(t)
        .where(t.c.series == series)
        .values(last_number=t.c.last_number + 1)
        .returning(t.c.last_number)
    )
    number: int = conn.execute(statement).scalar_one()
    return number
