"""Read-only SQL behind the dashboard: a period's charges (a few columns), who the
customers are, and the choices the filters offer. Nothing here writes.

A charge is filtered and dated by the context it carries (its period, its cost center
and that node's path: a node's filter counts everything below it, the zone that cut its
period); names and zones shown are the customers' terms, as the
price-book version closing the period states them. Amounts are summed in Python
(`spend.SpendTally`), never by SQL: SQLite keeps them as text (see
`billing.adapters.ledger.types`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, Select, select

from billing.adapters.ledger.accounting_schema import billing_customers as bc
from billing.adapters.ledger.rollup_reads import is_under, under
from billing.adapters.ledger.schema import rated_charges as rc
from billing.dashboard.spend import SpendRow
from billing.domain.customer_settings import CustomerSettings
from billing.domain.customers import book_at, customer_for_period
from terms.domain import Period, PriceBookCatalog

UTC_ZONE = ZoneInfo("UTC")
BATCH_ROWS = 5000
INSTANT = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Filters:
    period: str  # YYYY-MM, the usage period (the one each charge carries)
    customer: str | None = None
    cost_center: str | None = None  # the charges' own cost center
    service: str | None = None


@dataclass(frozen=True, slots=True)
class CustomerInfo:
    customer: str
    name: str
    cost_center: str | None
    time_zone: str

    @property
    def zone(self) -> ZoneInfo:
        return zone_named(self.time_zone)


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC_ZONE


def directory(
    ids: Iterable[str], catalog: PriceBookCatalog, period: str
) -> dict[str, CustomerInfo]:
    """Name, cost center and zone of each customer, as the terms closing `period` state them."""
    month = Period.parse(period)
    found = {}
    for ident in sorted(set(ids)):
        view = customer_for_period(CustomerSettings(ident), catalog, month)
        found[ident] = CustomerInfo(ident, view.name, view.cost_center, view.time_zone)
    return found


def known_customers(conn: Connection, catalog: PriceBookCatalog, period: str) -> set[str]:
    """Customers billing has settings for, and those the period's terms list."""
    book = book_at(catalog, Period.parse(period).end - INSTANT)
    listed = set(book.customers) if book else set()
    return listed | set(conn.execute(select(bc.c.customer)).scalars())


def _where(query: Select[tuple[object, ...]], filters: Filters) -> Select[tuple[object, ...]]:
    query = query.where(rc.c.period == filters.period)
    if filters.customer is not None:
        query = query.where(rc.c.customer == filters.customer)
    if filters.service is not None:
        query = query.where(rc.c.service == filters.service)
    if filters.cost_center is not None:  # the node and everything below it
        query = under(query, filters.cost_center)
    return query


def spend_rows(conn: Connection, filters: Filters) -> Iterator[SpendRow]:
    """The period's charges matching `filters`, each dated in the zone that cut its period."""
    query = _where(
        select(
            rc.c.customer,
            rc.c.service,
            rc.c.amount,
            rc.c.currency,
            rc.c.event_time,
            rc.c.time_zone,
            rc.c.cost_center,
            rc.c.cost_center_path,
        ),
        filters,
    )
    zones: dict[str, ZoneInfo] = {}
    for row in conn.execution_options(yield_per=BATCH_ROWS).execute(query):
        if filters.cost_center is not None and not is_under(row, filters.cost_center):
            continue
        zone = zones.get(row.time_zone)
        if zone is None:
            zone = zones[row.time_zone] = zone_named(row.time_zone)
        day = row.event_time.astimezone(zone).date()
        yield SpendRow(row.customer, row.service, day, row.amount, row.currency)


@dataclass(frozen=True, slots=True)
class Choices:
    customers: list[CustomerInfo]
    cost_centers: list[str]
    services: list[str]


def choices(conn: Connection, catalog: PriceBookCatalog, period: str, only: str | None) -> Choices:
    """What the filters offer: customers known or charged in the period, the cost centers
    of their terms and of the period's charges, the services charged in the period (only
    `only`'s, for a customer key)."""
    charged = select(rc.c.customer).where(rc.c.period == period).distinct()
    centers = select(rc.c.cost_center).where(rc.c.period == period).distinct()
    services = select(rc.c.service).where(rc.c.period == period).distinct()
    if only is not None:
        charged = charged.where(rc.c.customer == only)
        centers = centers.where(rc.c.customer == only)
        services = services.where(rc.c.customer == only)
    names = set(conn.execute(charged).scalars())
    names |= known_customers(conn, catalog, period)
    if only is not None:
        names &= {only}
    people = list(directory(names, catalog, period).values())
    charged_centers = {c for c in conn.execute(centers).scalars() if c}
    book = book_at(catalog, Period.parse(period).end - INSTANT)
    tree = {node.id for node in book.cost_centers} if book and only is None else set()
    return Choices(
        customers=people,
        cost_centers=sorted(
            charged_centers | tree | {c.cost_center for c in people if c.cost_center}
        ),
        services=sorted(conn.execute(services).scalars()),
    )
