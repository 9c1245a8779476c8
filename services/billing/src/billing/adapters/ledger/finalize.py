"""Finalizing a customer's periods: freeze lines and totals, number, post, close.

One transaction per customer: it holds the customer's row exclusively (no batch is
writing its charges meanwhile), freezes every open period up to the one asked for,
in order, takes each document's number, posts the closing journal entries and moves
the customer's `closed_through` mark. Charges arriving later for those periods are
billed on the next open period (see domain.ledger.billed_period).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection, select

from billing.adapters.ledger import customers as customer_rows
from billing.adapters.ledger.documents import insert_document, number_for
from billing.adapters.ledger.journal_writes import post
from billing.adapters.ledger.reads import draft_lines
from billing.adapters.ledger.schema import draft_invoice_lines
from billing.domain.closing import closing_entries
from billing.domain.commitments import UsageTotal, close_lines
from billing.domain.customers import Customer
from billing.domain.invoices import DraftLine, build_document
from billing.domain.periods import Period


def finalize_through(
    conn: Connection, customer_id: str, period: Period, *, now: datetime, default_currency: str
) -> list[str]:
    """Finalize the customer's open periods up to `period`; the numbers made (may be none)."""
    state = customer_rows.hold_exclusive(conn, customer_id, now)
    closed = state.closed_through
    if closed is not None and closed >= period:
        return []
    numbers: list[str] = []
    for open_period in _open_periods(conn, state.customer, closed, period):
        numbers += _freeze(conn, state.customer, open_period, now, default_currency)
    customer_rows.close_through(conn, customer_id, period)
    return numbers


def _open_periods(
    conn: Connection, customer: Customer, closed: Period | None, through: Period
) -> list[Period]:
    t = draft_invoice_lines
    query = select(t.c.period).distinct().where(t.c.customer == customer.id)
    query = query.where(t.c.period <= str(through))
    if closed is not None:
        query = query.where(t.c.period > str(closed))
    periods = {Period.parse(p) for p in conn.execute(query).scalars()}
    if customer.commitments:  # a commitment is owed for every period, used or not
        current = closed.next() if closed else min(periods | {through})
        while current <= through:
            periods.add(current)
            current = current.next()
    return sorted(periods)


def _freeze(
    conn: Connection, customer: Customer, period: Period, now: datetime, default_currency: str
) -> list[str]:
    lines = draft_lines(conn, customer.id, period)
    commitment_currency = customer.currency or default_currency
    currencies = {line.currency for line in lines}
    if customer.commitments:
        currencies.add(commitment_currency)
    numbers = []
    for currency in sorted(currencies):
        mine = [line for line in lines if line.currency == currency]
        extra = []
        if customer.commitments and currency == commitment_currency:
            extra = close_lines(customer.commitments, _usage(mine, period))
        if not mine and not extra:
            continue
        draft = build_document(
            customer=customer.id,
            period=period,
            currency=currency,
            lines=mine,
            close_lines=extra,
            document_type=customer.statement,
            status="finalized",
        )
        document = replace(draft, number=number_for(conn, draft))
        document_id = insert_document(conn, document, customer, now=now)
        entries = closing_entries(customer, document)
        post(conn, entries, now=now, document_ids=[document_id] * len(entries))
        numbers.append(document.number or "")
    return numbers


def _usage(lines: list[DraftLine], period: Period) -> list[UsageTotal]:
    """Usage of the period itself (late usage of earlier periods counts where it happened)."""
    return [
        UsageTotal(line.service, line.meter, line.unit, line.quantity, line.amount)
        for line in lines
        if line.usage_period in (None, str(period))
    ]
