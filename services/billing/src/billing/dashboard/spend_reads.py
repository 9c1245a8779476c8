"""Read-only SQL behind the dashboard: a period's charges (a few columns), who the
customers are, and the choices the filters offer. Nothing here writes.

Amounts are summed in Python (`spend.SpendTally`), never by SQL: SQLite keeps them as
text (see `billing.adapters.ledger.types`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, Select, select

from billing.adapters.ledger.accounting_schema import billing_customers as bc
from billing.adapters.ledger.schema import rated_charges as rc
from billing.dashboard.spend import SpendRow

UTC_ZONE = ZoneInfo("UTC")
BATCH_ROWS = 5000


@dataclass(frozen=True, slots=True)
class Filters:
    period: str  # YYYY-MM, the usage period (cut in the customer's time zone)
    customer: str | None = None
    cost_center: str | None = None
    service: str | None = None


@dataclass(frozen=True, slots=True)
class CustomerInfo:
    customer: str
    name: str
    cost_center: str | None
    time_zone: str

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return UTC_ZONE


def directory(conn: Connection, only: str | None = None) -> dict[str, CustomerInfo]:
    """Every customer billing knows (settings or charges), or just `only`."""
    query = select(bc.c.customer, bc.c.name, bc.c.cost_center, bc.c.time_zone)
    if only is not None:
        query = query.where(bc.c.customer == only)
    return {
        row.customer: CustomerInfo(row.customer, row.name, row.cost_center, row.time_zone)
        for row in conn.execute(query)
    }


def _where(query: Select[tuple[object, ...]], filters: Filters) -> Select[tuple[object, ...]]:
    query = query.where(rc.c.period == filters.period)
    if filters.customer is not None:
        query = query.where(rc.c.customer == filters.customer)
    if filters.service is not None:
        query = query.where(rc.c.service == filters.service)
    if filters.cost_center is not None:
        members = select(bc.c.customer).where(bc.c.cost_center == filters.cost_center)
        query = query.where(rc.c.customer.in_(members))
    return query


def spend_rows(
    conn: Connection, filters: Filters, customers: dict[str, CustomerInfo]
) -> Iterator[SpendRow]:
    """The period's charges matching `filters`, each dated in its customer's time zone."""
    query = _where(
        select(rc.c.customer, rc.c.service, rc.c.amount, rc.c.currency, rc.c.event_time),
        filters,
    )
    zones: dict[str, ZoneInfo] = {}
    for row in conn.execution_options(yield_per=BATCH_ROWS).execute(query):
        zone = zones.get(row.customer)
        if zone is None:
            info = customers.get(row.customer)
            zone = zones[row.customer] = info.zone if info else UTC_ZONE
        day = row.event_time.astimezone(zone).date()
        yield SpendRow(row.customer, row.service, day, row.amount, row.currency)


@dataclass(frozen=True, slots=True)
class Choices:
    customers: list[CustomerInfo]
    cost_centers: list[str]
    services: list[str]


def choices(conn: Connection, period: str, only: str | None) -> Choices:
    """What the filters offer: customers known or charged in the period, their cost
    centers, the services charged in the period (only `only`'s, for a customer key)."""
    known = directory(conn, only)
    charged = select(rc.c.customer).where(rc.c.period == period).distinct()
    services = select(rc.c.service).where(rc.c.period == period).distinct()
    if only is not None:
        charged = charged.where(rc.c.customer == only)
        services = services.where(rc.c.customer == only)
    names = set(known) | {row[0] for row in conn.execute(charged)}
    people = [known.get(n) or CustomerInfo(n, n, None, "UTC") for n in sorted(names)]
    return Choices(
        customers=people,
        cost_centers=sorted({c.cost_center for c in people if c.cost_center}),
        services=sorted({row[0] for row in conn.execute(services)}),
    )
