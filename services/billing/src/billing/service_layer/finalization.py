"""When periods are finalized: by the scheduler at period end + grace, or by finance.

A period is due once its end in the customer's time zone plus the grace period
(the customer's, else the service default) has passed. Finance may finalize a
period as soon as it has ended, without waiting for the grace period.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from billing.adapters.ledger import SqlBooks, SqlLedger
from billing.domain.periods import Period
from billing.service_layer.statements import customer_settings


class PeriodNotOverError(ValueError):
    """Finalizing a period that has not ended yet in the customer's time zone."""


def last_due_period(now: datetime, grace: timedelta, zone: object) -> Period:
    """The latest period whose end plus `grace` is at or before `now`."""
    return Period.of(now - grace, zone).previous()  # type: ignore[arg-type]


def finalize_due(
    ledger: SqlLedger,
    books: SqlBooks,
    *,
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
    committed = {cid for cid, s in states.items() if s.customer.commitments}
    numbers: list[str] = []
    for customer_id in sorted(set(earliest) | committed):
        customer, closed = customer_settings(ledger, customer_id)
        due = last_due_period(now, customer.grace or default_grace, customer.zone)
        first_open = earliest.get(customer_id)
        if (first_open is not None and first_open <= due) or (
            customer_id in committed and (closed is None or closed < due)
        ):
            numbers += books.finalize(customer_id, due, default_currency=default_currency)
    return numbers


def finalize_now(
    ledger: SqlLedger,
    books: SqlBooks,
    *,
    customer_id: str,
    period: Period,
    now: datetime,
    default_currency: str,
) -> list[str]:
    """Finance finalizing a period (and any open one before it) once it has ended."""
    customer, _ = customer_settings(ledger, customer_id)
    end = period.end_in(customer.zone)
    if end > now:
        raise PeriodNotOverError(
            f"{period} of {customer_id} ends at {end.isoformat()} ({customer.time_zone}); "
            "it can be finalized from then on"
        )
    return books.finalize(customer_id, period, default_currency=default_currency)
