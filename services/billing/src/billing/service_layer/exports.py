"""A period's documents as rows: FOCUS 1.2, or billing's own columns (CSV, JSON).

Rows stream: each document's charges are read in chunks through one connection,
so an export of a million charges never sits in memory. For every document the
rows' amounts add up to its total: charges (full precision), lines with no charges
behind them (close lines, credits), and one row with the rounding difference.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from billing.adapters.ledger import customers, document_reads, export_reads, reads
from billing.adapters.ledger.costs import costs_for
from billing.domain.customer_settings import Kind
from billing.domain.customers import customer_for_period
from billing.domain.focus import charge_row, line_row
from billing.domain.focus_columns import ColumnValues, DocumentContext, base_columns
from billing.domain.invoices import Invoice, build_document
from terms.domain import Period, PriceBookCatalog


@dataclass(frozen=True, slots=True)
class ExportScope:
    period: Period
    customer: str | None
    provider: str
    catalog: PriceBookCatalog  # the terms drafts are shown with (finalized ones are frozen)


def _contexts(conn: Connection, scope: ExportScope) -> Iterator[tuple[DocumentContext, Invoice]]:
    """Every document of the period: finalized ones as frozen, then the open drafts."""
    period = str(scope.period)
    states = customers.all_states(conn)
    categories = {s: c.category for s, c in costs_for(conn, period).items() if c.category}

    def settings(customer_id: str) -> customers.CustomerState:
        return states.get(customer_id) or customers.default_state(customer_id)

    def context(
        document: Invoice,
        name: str,
        kind: Kind,
        cost_center: str | None,
        bounds: tuple[datetime, datetime],
    ) -> DocumentContext:
        return DocumentContext(
            customer=document.customer,
            customer_name=name,
            kind=kind,
            cost_center=cost_center,
            period=period,
            period_start=bounds[0],
            period_end=bounds[1],
            currency=document.currency,
            document_type=document.document_type,
            status=document.status,
            number=document.number,
            provider=scope.provider,
            categories=categories,
        )

    after = 0
    while page := document_reads.finalized(
        conn, customer=scope.customer, period=period, after=after, limit=500
    ):
        for stored in page:
            doc = stored.document
            kind = settings(doc.customer).settings.kind
            bounds = (stored.period_start, stored.period_end)
            yield context(doc, stored.customer_name, kind, stored.cost_center, bounds), doc
        after = page[-1].id
    for key in document_reads.open_drafts(
        conn, customer=scope.customer, period=period, limit=1_000_000
    ):
        who = customer_for_period(settings(key.customer).settings, scope.catalog, scope.period)
        lines = [
            line
            for line in reads.draft_lines(conn, key.customer, scope.period)
            if line.currency == key.currency
        ]
        draft = build_document(
            customer=key.customer,
            period=scope.period,
            currency=key.currency,
            lines=lines,
            document_type=who.statement,
        )
        bounds = (scope.period.start_in(who.zone), scope.period.end_in(who.zone))
        yield context(draft, who.name, who.kind, who.cost_center, bounds), draft


def focus_rows(conn: Connection, scope: ExportScope) -> Iterator[ColumnValues]:
    for ctx, document in _contexts(conn, scope):
        bases: dict[str, ColumnValues] = {}  # the document's columns, per service
        if document.document_type != "credit_note":
            for charge in export_reads.charges_billed(
                conn, customer=document.customer, period=ctx.period, currency=document.currency
            ):
                base = bases.get(charge.service)
                if base is None:
                    base = bases[charge.service] = base_columns(ctx, charge.service)
                yield charge_row(ctx, charge, base)
        for line in document.lines:
            if line.kind in ("usage", "adjustment"):
                continue  # their charges are rows of their own
            yield line_row(
                ctx,
                kind=line.kind,
                service=line.service,
                meter=line.meter,
                unit=line.unit,
                quantity=line.quantity,
                amount=line.exact_amount,
                description=line.description,
                usage_period=line.usage_period,
            )
        if not document.rounding_difference.is_zero():
            yield line_row(
                ctx,
                kind="rounding",
                service="rounding",
                meter="*",
                unit="currency",
                quantity=None,
                amount=document.rounding_difference,
                description="rounding of the document's lines to the minor unit",
            )
