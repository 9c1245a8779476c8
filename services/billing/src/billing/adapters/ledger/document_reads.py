"""Finding documents: finalized ones as stored, and the drafts of open periods."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, and_, or_, select

from billing.adapters.ledger.accounting_schema import billing_customers as cust_t
from billing.adapters.ledger.accounting_schema import billing_documents as docs_t
from billing.adapters.ledger.documents import StoredDocument, load_documents
from billing.adapters.ledger.schema import draft_invoice_lines as lines_t


@dataclass(frozen=True, slots=True)
class DraftKey:
    customer: str
    period: str
    currency: str


def finalized(
    conn: Connection,
    *,
    customer: str | None = None,
    period: str | None = None,
    document_type: str | None = None,
    after: int = 0,
    limit: int = 100,
) -> list[StoredDocument]:
    t = docs_t
    query = select(t).where(t.c.id > after)
    if customer is not None:
        query = query.where(t.c.customer == customer)
    if period is not None:
        query = query.where(t.c.period == period)
    if document_type is not None:
        query = query.where(t.c.document_type == document_type)
    rows = conn.execute(query.order_by(t.c.id).limit(limit)).all()
    return load_documents(conn, rows)


def by_number(conn: Connection, number: str) -> StoredDocument | None:
    row = conn.execute(select(docs_t).where(docs_t.c.number == number)).one_or_none()
    return None if row is None else load_documents(conn, [row])[0]


def open_drafts(
    conn: Connection, *, customer: str | None = None, period: str | None = None, limit: int = 1000
) -> list[DraftKey]:
    """(customer, period, currency) of every draft: lines in a period not yet finalized."""
    query = (
        select(lines_t.c.customer, lines_t.c.period, lines_t.c.currency)
        .distinct()
        .join(cust_t, cust_t.c.customer == lines_t.c.customer, isouter=True)
        .where(
            or_(
                cust_t.c.closed_through.is_(None),
                and_(
                    cust_t.c.closed_through.is_not(None), lines_t.c.period > cust_t.c.closed_through
                ),
            )
        )
    )
    if customer is not None:
        query = query.where(lines_t.c.customer == customer)
    if period is not None:
        query = query.where(lines_t.c.period == period)
    query = query.order_by(lines_t.c.customer, lines_t.c.period, lines_t.c.currency).limit(limit)
    return [DraftKey(*row) for row in conn.execute(query)]
