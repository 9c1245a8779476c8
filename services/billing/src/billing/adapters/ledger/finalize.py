"""Finalizing a customer's periods: freeze lines and totals, number, post, close.

One transaction per customer: it holds the customer's row exclusively (no batch is
writing its charges meanwhile), freezes every open period up to the one asked for,
in order, takes each document's number, posts the closing journal entries and moves
the customer's `closed_through` mark. Charges arriving later for those periods are
billed on the next open period (see domain.ledger.billed_period).

Each period is closed on the terms of the price-book version that closes it
(`terms.domain.closing_book`): its name, cost center, zone and currency go on the
document, and its commitments' shortfalls (`period_commitments`) become lines.
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
from billing.domain.commitments import CloseLine, shortfall_lines, used_in_period
from billing.domain.customer_settings import CustomerSettings
from billing.domain.customers import Customer, book_closing, compose
from billing.domain.invoices import build_document
from terms.domain import Period, PriceBookCatalog, period_commitments


def finalize_through(
    conn: Connection,
    customer_id: str,
    period: Period,
    *,
    catalog: PriceBookCatalog,
    now: datetime,
    default_currency: str,
) -> list[str]:
    """Finalize the customer's open periods up to `period`; the numbers made (may be none)."""
    state = customer_rows.hold_exclusive(conn, customer_id, now)
    closed = state.closed_through
    if closed is not None and closed >= period:
        return []
    numbers: list[str] = []
    for open_period, customer in _open_periods(conn, state.settings, catalog, closed, period):
        numbers += _freeze(conn, customer, catalog, open_period, now, default_currency)
    customer_rows.close_through(conn, customer_id, period)
    return numbers


def _open_periods(
    conn: Connection,
    settings: CustomerSettings,
    catalog: PriceBookCatalog,
    closed: Period | None,
    through: Period,
) -> list[tuple[Period, Customer]]:
    """The periods to freeze, each with the customer as the terms closing it state it:
    those with usage, and those whose terms hold commitments (owed, used or not)."""
    t = draft_invoice_lines
    query = select(t.c.period).distinct().where(t.c.customer == settings.id)
    query = query.where(t.c.period <= str(through))
    if closed is not None:
        query = query.where(t.c.period > str(closed))
    used = {Period.parse(p) for p in conn.execute(query).scalars()}
    found = []
    current = closed.next() if closed else min(used | {through})
    while True:
        customer = compose(settings, book_closing(catalog, settings.id, current))
        if current in used or customer.commitments:
            found.append((current, customer))
        if current >= through:
            return found
        current = current.next()


def _freeze(
    conn: Connection,
    customer: Customer,
    catalog: PriceBookCatalog,
    period: Period,
    now: datetime,
    default_currency: str,
) -> list[str]:
    lines = draft_lines(conn, customer.id, period)
    extra: list[CloseLine] = []
    if customer.commitments:
        owed = period_commitments(catalog, customer.id, period, used_in_period(lines, period))
        extra = shortfall_lines(owed)
    close_currency = customer.currency or default_currency
    currencies = {line.currency for line in lines} | ({close_currency} if extra else set())
    numbers = []
    for currency in sorted(currencies):
        draft = build_document(
            customer=customer.id,
            period=period,
            currency=currency,
            lines=[line for line in lines if line.currency == currency],
            close_lines=extra if currency == close_currency else (),
            document_type=customer.statement,
            status="finalized",
        )
        document = replace(draft, number=number_for(conn, draft))
        document_id = insert_document(
            conn,
            document,
            name=customer.name,
            cost_center=customer.cost_center,
            zone=customer.zone,
            now=now,
        )
        entries = closing_entries(customer, document)
        post(conn, entries, now=now, document_ids=[document_id] * len(entries))
        numbers.append(document.number or "")
    return numbers
