"""Finance's side of the ledger: documents, credit notes, journal, costs, period usage.

Blocking calls, one transaction each, like `SqlLedger` (which writes the charges).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from sqlalchemy import Engine

from billing.adapters.ledger import (
    costs,
    credit_notes,
    document_reads,
    finalize,
    journal_reads,
    reads,
    usage_reads,
)
from billing.adapters.ledger.documents import StoredDocument
from billing.domain.costs import ServiceCost
from billing.domain.credit_notes import CreditRequest
from chargeback.clock import Clock, utc_now
from terms.domain import Period, PriceBookCatalog


class SqlBooks:
    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    # Documents

    def finalize(
        self, customer: str, period: Period, *, catalog: PriceBookCatalog, default_currency: str
    ) -> list[str]:
        """Finalize the customer's open periods through `period` on the terms of `catalog`;
        the document numbers made."""
        with self.engine.begin() as conn:
            return finalize.finalize_through(
                conn,
                customer,
                period,
                catalog=catalog,
                now=self.clock(),
                default_currency=default_currency,
            )

    def documents(self, **filters: object) -> list[StoredDocument]:
        with self.engine.connect() as conn:
            return document_reads.finalized(conn, **filters)  # type: ignore[arg-type]

    def document(self, number: str) -> StoredDocument | None:
        with self.engine.connect() as conn:
            return document_reads.by_number(conn, number)

    def open_drafts(self, **filters: object) -> list[document_reads.DraftKey]:
        with self.engine.connect() as conn:
            return document_reads.open_drafts(conn, **filters)  # type: ignore[arg-type]

    def issue_credit_note(
        self, *, invoice_number: str, requested: Sequence[CreditRequest], reason: str
    ) -> StoredDocument:
        with self.engine.begin() as conn:
            return credit_notes.issue(
                conn,
                invoice_number=invoice_number,
                requested=requested,
                reason=reason,
                now=self.clock(),
            )

    # Journal

    def journal(self, **filters: object) -> list[journal_reads.StoredEntry]:
        with self.engine.connect() as conn:
            return journal_reads.entries(conn, **filters)  # type: ignore[arg-type]

    def postings(self, period: str) -> list[tuple[str, str, Decimal, Decimal]]:
        with self.engine.connect() as conn:
            return journal_reads.postings(conn, period)

    def entry_charges(
        self, entry_id: int, *, after: int, limit: int
    ) -> tuple[journal_reads.StoredEntry, list[reads.StoredCharge]] | None:
        """The entry and a page of the charges it posted; None if there is no such entry."""
        with self.engine.connect() as conn:
            found = journal_reads.entries(conn, after=entry_id - 1, limit=1)
            if not found or found[0].id != entry_id:
                return None
            return found[0], journal_reads.charges_of_entry(
                conn, found[0], after=after, limit=limit
            )

    # Costs and usage

    def save_costs(self, found: Iterable[tuple[str, ServiceCost]], *, source: str) -> int:
        with self.engine.begin() as conn:
            now = self.clock()
            return sum(costs.save(conn, c, period=p, source=source, now=now) for p, c in found)

    def costs_for(self, period: str) -> dict[str, ServiceCost]:
        with self.engine.connect() as conn:
            return costs.costs_for(conn, period)

    def cost_definitions(self) -> list[tuple[str, str, ServiceCost]]:
        with self.engine.connect() as conn:
            return costs.all_definitions(conn)

    def period_usage(self, period: str, service: str | None = None) -> list[usage_reads.UsageRow]:
        with self.engine.connect() as conn:
            return usage_reads.period_usage(conn, period, service)
