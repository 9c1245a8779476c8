"""A period's spend as the dashboard shows it: read the ledger once, tally, forecast."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from billing.dashboard.forecast import DEFAULT_MIN_ELAPSED_PERCENT
from billing.dashboard.spend import Spend, SpendTally, days_of
from billing.dashboard.spend_reads import UTC_ZONE, CustomerInfo, Filters, directory, spend_rows
from terms.domain import Period, PriceBookCatalog


@dataclass(frozen=True, slots=True)
class SpendReport:
    filters: Filters
    spend: Spend
    customers: dict[str, CustomerInfo]
    time_zone: str  # the zone the period's days and bounds are cut in
    start: datetime
    end: datetime
    now: datetime


def period_spend(
    engine: Engine,
    filters: Filters,
    *,
    catalog: PriceBookCatalog,
    now: datetime,
    currency: str | None,
    default_currency: str,
    min_elapsed_percent: Decimal = DEFAULT_MIN_ELAPSED_PERCENT,
) -> SpendReport:
    """The spend matching `filters`, with its days and forecast cut in the customers' zone
    (as their terms closing the period state it)."""
    tally, charged = SpendTally(), set()
    with engine.connect() as conn:
        for row in spend_rows(conn, filters):
            tally.add(row)
            charged.add(row.customer)
    shown = {filters.customer} if filters.customer else charged
    customers = directory(charged | shown, catalog, filters.period)
    zone = _common_zone(customers, shown)
    period = Period.parse(filters.period)
    start, end = period.start_in(zone), period.end_in(zone)
    first, after = date(period.year, period.month, 1), period.end.date()  # UTC month's end
    spend = tally.spend(
        currency=currency,
        default_currency=default_currency,
        days=days_of(first, after),
        window=(start, end),
        now=now,
        min_elapsed_percent=min_elapsed_percent,
    )
    return SpendReport(filters, spend, customers, str(zone), start, end, now)


def _common_zone(customers: dict[str, CustomerInfo], names: set[str]) -> ZoneInfo:
    """The time zone all `names` share; UTC when they differ (or none is known)."""
    zones = {customers[n].zone if n in customers else UTC_ZONE for n in names}
    return zones.pop() if len(zones) == 1 else UTC_ZONE
