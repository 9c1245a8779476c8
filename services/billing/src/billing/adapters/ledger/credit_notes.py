"""Issuing a credit note: checked against the invoice, numbered, posted, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from billing.adapters.ledger import customers as customer_rows
from billing.adapters.ledger.accounting_schema import billing_documents as docs_t
from billing.adapters.ledger.documents import (
    StoredDocument,
    insert_document,
    load_documents,
    number_for,
)
from billing.adapters.ledger.journal_writes import post
from billing.domain.closing import credit_note_entries
from billing.domain.credit_notes import CreditRequest, credit_note
from billing.domain.invoices import document_number
from chargeback.money import EXACT, ZERO
from terms.domain import Period


class UnknownDocumentError(LookupError):
    pass


def issue(
    conn: Connection,
    *,
    invoice_number: str,
    requested: Sequence[CreditRequest],
    reason: str,
    now: datetime,
) -> StoredDocument:
    row = conn.execute(select(docs_t).where(docs_t.c.number == invoice_number)).one_or_none()
    if row is None:
        raise UnknownDocumentError(f"no finalized document numbered {invoice_number!r}")
    state = customer_rows.hold_exclusive(conn, row.customer, now)
    (invoice,) = load_documents(conn, [row])
    credited = conn.execute(select(docs_t.c.total).where(docs_t.c.corrects_id == row.id)).scalars()
    already = ZERO
    for amount in credited:
        already = EXACT.add(already, amount)
    closed = state.closed_through or Period.parse(row.period)
    note = credit_note(
        invoice=invoice.document,
        requested=requested,
        already_credited=already,
        period=closed.next(),
        number=document_number("credit_note", 0),  # checked first, numbered once valid
    )
    note = replace(note, number=number_for(conn, note))
    # The note is for whom the invoice was: its name, cost center and zone, as frozen there.
    document_id = insert_document(
        conn,
        note,
        name=invoice.customer_name,
        cost_center=invoice.cost_center,
        zone=ZoneInfo(invoice.time_zone),
        now=now,
        corrects_id=row.id,
        reason=reason[:2000],
    )
    entries = credit_note_entries(state.settings, note, cost_center=invoice.cost_center)
    post(conn, entries, now=now, document_ids=[document_id] * len(entries))
    stored = conn.execute(select(docs_t).where(docs_t.c.id == document_id)).one()
    return load_documents(conn, [stored])[0]
