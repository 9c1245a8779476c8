"""Helpers for billing's integration tests: a settable clock, price books (the terms),
customer settings, storing charges, and the billing app over a real ledger and Redis."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import yaml

from billing.adapters.ledger import SqlBooks, SqlLedger, make_engine
from billing.bootstrap import build_app
from billing.domain.customer_settings import parse_settings
from billing.domain.ledger import LedgerEntry
from billing.settings import BillingSettings
from chargeback.contracts import RatedCharge
from chargeback.settings import InfraSettings
from terms.adapters.files import parse_price_book
from terms.domain import Period, PriceBookCatalog
from terms.service_layer.registry import PriceBookRegistry

SERVICES = {
    "compute": {
        "meters": {
            "cpu": {"unit": "vcpu-hour", "price": "0.0125"},
            "ram": {"unit": "GiB-hour", "price": "0.005"},
        }
    },
    "storage": {"meters": {"gb": {"unit": "gb-month", "price": "0.02"}}},
}


class Clock:
    """A settable clock for the ledger and the books (finalization depends on 'now')."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def price_book(
    customers: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    version: str = "test-1",
    effective_from: str = "2020-01-01T00:00:00Z",
    currency: str = "USD",
    services: Mapping[str, Any] = SERVICES,
    cost_centers: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """A price-book version (YAML text): the terms, as finance publishes them."""
    document = {
        "version": version,
        "effective_from": effective_from,
        "currency": currency,
        "services": dict(services),
        "customers": {name: dict(terms) for name, terms in (customers or {}).items()},
    }
    if cost_centers:
        document["cost_centers"] = {node: dict(spec) for node, spec in cost_centers.items()}
    return yaml.safe_dump(document, sort_keys=False)


def catalog_of(*texts: str) -> PriceBookCatalog:
    """The versions as a catalog, for tests of the ledger without the registry."""
    return PriceBookCatalog(parse_price_book(text) for text in texts)


def context(catalog: PriceBookCatalog, customer: str, moment: datetime) -> dict[str, Any]:
    """What rating puts on a charge: the period of its time in the customer's zone, that
    zone and the cost center with its path, from the version in force at the event's time."""
    book = catalog.in_force_at(moment)
    terms = book.customer(customer)
    return {
        "period": book.period(customer, moment),
        "time_zone": terms.zone.key,
        "cost_center": terms.cost_center or None,
        "cost_center_path": list(terms.cost_center_path),
        "price_book_version": book.version,
    }


def with_context(values: dict[str, Any], terms: PriceBookCatalog | None) -> dict[str, Any]:
    """`values` with the context rating would give: from `terms` if given, else the one the
    test states (default UTC, no cost center)."""
    moment = values["event_time"]
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if terms is not None:
        return {**values, **context(terms, values["customer"], moment)}
    zone = values.setdefault("time_zone", "UTC")
    values.setdefault("period", str(Period.of(moment, ZoneInfo(zone))))
    return values


def configure(ledger: SqlLedger, **customers: dict[str, Any]) -> None:
    """Customers' billing settings, as the settings file states them."""
    ledger.save_customers(
        [parse_settings(cid, raw) for cid, raw in customers.items()], source="file"
    )


def store(ledger: SqlLedger, charges: list[RatedCharge], *, first_offset: int = 0) -> Any:
    entries = [LedgerEntry(c, "usage.rated", 0, first_offset + i) for i, c in enumerate(charges)]
    return ledger.record(group="billing", entries=entries, bounds={})


@contextlib.asynccontextmanager
async def billing_api(
    database_url: str,
    keys: Any,
    tmp_path: Path,
    clock: Clock,
    redis_url: str,
    *,
    book: str | None = None,
    later: tuple[str, ...] = (),
    **settings: Any,
) -> AsyncIterator[tuple[httpx.AsyncClient, SqlLedger, SqlBooks, PriceBookRegistry]]:
    """The billing app (no Kafka consumer, no scheduler) over a real ledger, on `clock`,
    with `book` (default: a version listing nobody) and `later` versions published as its
    seed."""
    text = book if book is not None else price_book()
    engine = make_engine(database_url)
    infra = InfraSettings(
        _env_file=None,
        database_url=database_url,
        redis_url=redis_url,
        chargeback_keys_file=tmp_path / "keys.json",
    )
    app = build_app(
        BillingSettings(**{"finalize_every_s": 0, **settings}),
        infra=infra,
        keys=keys.store,
        seed=[(parse_price_book(t), t) for t in (text, *later)],
        engine=engine,
        start_consumer=False,
        clock=clock,
    )
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://billing") as client:
                yield (
                    client,
                    SqlLedger(engine, clock=clock),
                    SqlBooks(engine, clock=clock),
                    app.state.registry,
                )
    finally:
        engine.dispose()
