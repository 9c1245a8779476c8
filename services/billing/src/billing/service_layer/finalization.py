"""When periods are finalized: by the scheduler at period end + grace, or by finance.

A period is due once its end in the customer's time zone plus the grace period
(the customer's, else the service default) has passed; the zone is the one of the
terms in force now. Finance may finalize a period as soon as it has ended (in the zone
of the terms that close it), without waiting for the grace period.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from billing.adapters.ledger import SqlBooks, SqlLedger
from billing.adapters.ledger.customers import default_state
from billing.domain.customers import customer_at
from billing.service_layer.statements import period_customer
from terms.domain import Period, PriceBookCatalog


class PeriodNotOverError(ValueError):
    """Finalizing a period that has not ended yet in the customer's time zone."""


def last_due_period(now: datetime, grace: timedelta, zone: tzinfo) -> Period:
    """The latest period whose end plus `grace` is at or before `now`."""
    return Period.of(now - grace, zone).previous()


def committed_customers(catalog: PriceBookCatalog) -> set[str]:
    """Customers any version holds commitments for: they owe a document every period."""
    return {
        ident
        for book in catalog.versions
        for ident, terms in book.customers.items()
        if terms.commitments
    }


def finalize_due(
    ledger: SqlLedger,
    books: SqlBooks,
    *,
    catalog: PriceBookCatalog,
    now: datetime,
    default_grace: timedelta,
    default_currency: str,
) -> list[str]:
    """Finalize every customer's due periods; the document numbers made."""
    earliest: dict[str, Period] = {}
    for draft in books.open_drafts(limit=1_000_000):
        period = Period.parse(draft.period)
        earliest[draft.customer] = min(period, earliest.get(draft.customer, period))
    states = ledger.customer_states()
    committed = committed_customers(catalog)
    numbers: list[str] = []
    for customer_id in sorted(set(earliest) | committed):
        state = states.get(customer_id) or default_state(customer_id)
        closed = state.closed_through
        customer = customer_at(state.settings, catalog, now)
        grace = default_grace if customer.grace is None else customer.grace  # 0 is a grace
        due = last_due_period(now, grace, customer.zone)
        first_open = earliest.get(customer_id)
        if (first_open is not None and first_open <= due) or (
            customer_id in committed and (closed is None or closed < due)
        ):
            numbers += books.finalize(
                customer_id, due, catalog=catalog, default_currency=default_currency
            )
    return numbers


def finalize_now(
    ledger: SqlLedger,
    books: SqlBooks,
    *,
    catalog: PriceBookCatalog,
    customer_id: str,
    period: Period,
    now: datetime,
    default_currency: str,
) -> list[str]:
    """Finance finalizing a period (and any open one before it) once it has ended."""
    customer, _ = period_customer(ledger, catalog, customer_id, period)
    end = period.end_in(customer.zone)
    if end > now:
        raise PeriodNotOverError(
            f"{period} of {customer_id} ends at {end.isoformat()} ({customer.time_zone}); "
            "it can be finalized from then on"
        )
    return books.finalize(customer_id, period, catalog=catalog, default_currency=default_currency)
