"""Posting journal entries, in the caller's transaction (the one that made the charges)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, insert

from billing.adapters.ledger.accounting_schema import journal_entries, journal_lines
from billing.domain.journal import JournalEntry


def post(
    conn: Connection,
    entries: Sequence[JournalEntry],
    *,
    now: datetime,
    batch_id: int | None = None,
    document_ids: Sequence[int | None] | None = None,
) -> list[int]:
    """Insert the entries and their lines; their ids, in order."""
    if not entries:
        return []
    documents = document_ids if document_ids is not None else [None] * len(entries)
    rows = [
        {
            "period": e.period,
            "customer": e.customer,
            "currency": e.currency,
            "source": e.source,
            "description": e.description[:512],
            "service": e.service,
            "usage_period": e.usage_period,
            "memo": e.memo,
            "batch_id": batch_id,
            "document_id": document,
            "posted_at": now,
        }
        for e, document in zip(entries, documents, strict=True)
    ]
    statement = insert(journal_entries).returning(
        journal_entries.c.id, sort_by_parameter_order=True
    )
    ids = list(conn.execute(statement, rows).scalars())
    lines = [
        {"entry_id": entry_id, "account": p.account, "debit": p.debit, "credit": p.credit}
        for entry_id, entry in zip(ids, entries, strict=True)
        for p in entry.postings
    ]
    conn.execute(insert(journal_lines), lines)
    return ids
