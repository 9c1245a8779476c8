"""Customer rows: billing settings, the last finalized period, and the lock that orders writers.

Writers of charges hold the rows of their batch's customers shared (PostgreSQL
`FOR SHARE`); finalization and credit notes take one row exclusively (an UPDATE).
So a period is never finalized while a batch that saw it open is still writing to
it. On SQLite the database lock serializes writers; the first statement of each
writing transaction is a write, so none starts from a stale snapshot.

A row holds billing's settings only; the customer's terms are the price book's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, select, update

from billing.adapters.ledger.accounting_schema import billing_customers as t
from billing.adapters.ledger.dialect import upsert
from billing.domain.customer_settings import CustomerSettings
from terms.domain import Period


@dataclass(frozen=True, slots=True)
class CustomerState:
    settings: CustomerSettings
    closed_through: Period | None
    source: str  # default | file | api


def _values(settings: CustomerSettings) -> dict[str, Any]:
    grace = settings.grace
    return {
        "kind": settings.kind,
        "statement_type": settings.statement,
        "grace_seconds": None if grace is None else int(grace.total_seconds()),
    }


def _state(row: Row[Any]) -> CustomerState:
    settings = CustomerSettings(
        id=row.customer,
        kind=row.kind,
        statement=row.statement_type,
        grace=None if row.grace_seconds is None else timedelta(seconds=row.grace_seconds),
    )
    closed = Period.parse(row.closed_through) if row.closed_through else None
    return CustomerState(settings, closed, row.settings_source)


def default_state(customer_id: str) -> CustomerState:
    """The state of a customer with no row: default settings, nothing finalized."""
    return CustomerState(CustomerSettings(customer_id), None, "default")


def ensure(conn: Connection, ids: Iterable[str], now: datetime) -> None:
    """Give every customer a row (default settings) unless it has one."""
    rows = [
        {
            **_values(CustomerSettings(i)),
            "customer": i,
            "settings_source": "default",
            "closed_through": None,
            "lock_version": 0,
            "updated_at": now,
        }
        for i in sorted(set(ids))
    ]
    if rows:
        conn.execute(upsert(conn, t).on_conflict_do_nothing(index_elements=["customer"]), rows)


def hold_shared(conn: Connection, ids: Iterable[str]) -> dict[str, CustomerState]:
    """The customers' states, their rows held shared until the transaction ends."""
    query = select(t).where(t.c.customer.in_(sorted(set(ids)))).order_by(t.c.customer)
    return {row.customer: _state(row) for row in conn.execute(query.with_for_update(read=True))}


def hold_exclusive(conn: Connection, customer_id: str, now: datetime) -> CustomerState:
    """The customer's state, its row held exclusively (created with defaults if missing)."""
    ensure(conn, [customer_id], now)
    conn.execute(
        update(t).where(t.c.customer == customer_id).values(lock_version=t.c.lock_version + 1)
    )
    return _state(conn.execute(select(t).where(t.c.customer == customer_id)).one())


def close_through(conn: Connection, customer_id: str, period: Period) -> None:
    conn.execute(update(t).where(t.c.customer == customer_id).values(closed_through=str(period)))


def save_settings(
    conn: Connection, settings: CustomerSettings, *, source: str, now: datetime
) -> bool:
    """Store settings; the file never overwrites what finance set through the API. Stored?"""
    insert = upsert(conn, t)
    values = {**_values(settings), "settings_source": source, "updated_at": now}
    statement = insert.on_conflict_do_update(
        index_elements=["customer"],
        set_=values,
        where=(t.c.settings_source != "api") if source != "api" else None,
    )
    result = conn.execute(
        statement,
        {**values, "customer": settings.id, "closed_through": None, "lock_version": 0},
    )
    return bool(result.rowcount)


def all_states(conn: Connection, ids: Iterable[str] | None = None) -> dict[str, CustomerState]:
    query = select(t).order_by(t.c.customer)
    if ids is not None:
        query = query.where(t.c.customer.in_(sorted(set(ids))))
    return {row.customer: _state(row) for row in conn.execute(query)}
