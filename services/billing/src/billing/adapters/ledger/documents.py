"""Finalized documents as stored: frozen lines and totals, written once, never updated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Row, insert, select

from billing.adapters.ledger.accounting_schema import billing_document_lines as lines_t
from billing.adapters.ledger.accounting_schema import billing_documents as docs_t
from billing.adapters.ledger.numbering import take_number
from billing.domain.invoices import SERIES, Invoice, InvoiceLine, document_number
from chargeback.money import Money
from terms.domain import Period


@dataclass(frozen=True, slots=True)
class StoredDocument:
    id: int
    document: Invoice
    customer_name: str
    cost_center: str | None
    time_zone: str
    period_start: datetime
    period_end: datetime
    finalized_at: datetime
    corrects: str | None  # number of the document a credit note corrects
    reason: str | None


def number_for(conn: Connection, document: Invoice) -> str:
    series = SERIES[document.document_type]
    return document_number(document.document_type, take_number(conn, series))


def insert_document(
    conn: Connection,
    document: Invoice,
    *,
    name: str,
    cost_center: str | None,
    zone: ZoneInfo,
    now: datetime,
    corrects_id: int | None = None,
    reason: str | None = None,
) -> int:
    """Store a finalized document with who it is for (`name`, `cost_center`, `zone` as the
    terms closing its period state them), frozen with it."""
    assert document.number is not None
    row = {
        "number": document.number,
        "series": SERIES[document.document_type],
        "sequence_number": int(document.number.rsplit("-", 1)[1]),
        "document_type": document.document_type,
        "status": document.status,
        "customer": document.customer,
        "customer_name": name or document.customer,
        "cost_center": cost_center,
        "period": str(document.period),
        "time_zone": zone.key,
        "period_start": document.period.start_in(zone),
        "period_end": document.period.end_in(zone),
        "currency": document.currency,
        "total": document.total.amount,
        "exact_total": document.exact_total,
        "rounding_difference": document.rounding_difference,
        "charge_count": document.charge_count,
        "corrects_id": corrects_id,
        "reason": reason,
        "finalized_at": now,
    }
    document_id: int = conn.execute(insert(docs_t).returning(docs_t.c.id), row).scalar_one()
    if not document.lines:
        return document_id
    conn.execute(
        insert(lines_t),
        [
            {
                "document_id": document_id,
                "line_no": n,
                "kind": line.kind,
                "service": line.service,
                "meter": line.meter,
                "unit": line.unit,
                "quantity": line.quantity,
                "exact_amount": line.exact_amount,
                "amount": line.amount.amount,
                "charge_count": line.charges,
                "usage_period": line.usage_period,
                "description": line.description,
            }
            for n, line in enumerate(document.lines, start=1)
        ],
    )
    return document_id


def _line(row: Row[Any], currency: str) -> InvoiceLine:
    return InvoiceLine(
        service=row.service,
        meter=row.meter,
        unit=row.unit,
        quantity=row.quantity,
        amount=Money(row.amount, currency),
        charges=row.charge_count,
        kind=row.kind,
        exact_amount=row.exact_amount,
        usage_period=row.usage_period,
        description=row.description,
    )


def load_documents(conn: Connection, rows: Sequence[Row[Any]]) -> list[StoredDocument]:
    """Documents (with their lines) for rows of `billing_documents`, in the rows' order."""
    ids = [row.id for row in rows]
    by_doc: dict[int, list[Row[Any]]] = {i: [] for i in ids}
    if ids:
        query = (
            select(lines_t)
            .where(lines_t.c.document_id.in_(ids))
            .order_by(lines_t.c.document_id, lines_t.c.line_no)
        )
        for line in conn.execute(query):
            by_doc[line.document_id].append(line)
    corrected = {r.corrects_id for r in rows if r.corrects_id is not None}
    numbers: dict[int, str] = {}
    if corrected:
        query = select(docs_t.c.id, docs_t.c.number).where(docs_t.c.id.in_(corrected))
        numbers = {row.id: row.number for row in conn.execute(query)}
    return [
        StoredDocument(
            id=row.id,
            document=Invoice(
                customer=row.customer,
                period=Period.parse(row.period),
                currency=row.currency,
                lines=tuple(_line(line, row.currency) for line in by_doc[row.id]),
                total=Money(row.total, row.currency),
                charge_count=row.charge_count,
                status=row.status,
                document_type=row.document_type,
                number=row.number,
                exact_total=row.exact_total,
                rounding_difference=row.rounding_difference,
            ),
            customer_name=row.customer_name,
            cost_center=row.cost_center,
            time_zone=row.time_zone,
            period_start=row.period_start,
            period_end=row.period_end,
            finalized_at=row.finalized_at,
            corrects=numbers.get(row.corrects_id),
            reason=row.reason,
        )
        for row in rows
    ]
