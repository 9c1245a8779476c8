"""Budget plans on the real parts: billing's app over a ledger with known rows, the budget
monitor's app reading its actuals over HTTP (in process), both on the same SQL database
and Redis, on a fixed clock."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import httpx

from billing.adapters.ledger import SqlLedger, make_engine
from billing.bootstrap import build_app as build_billing
from billing.domain.ledger import LedgerEntry
from billing.settings import BillingSettings
from budget_monitor.adapters.billing_actuals import BillingActuals
from budget_monitor.bootstrap import build_app as build_monitor
from budget_monitor.settings import BudgetMonitorSettings
from chargeback.auth import KeyStore
from chargeback.contracts import RatedCharge, UsageData, UsageEvent
from chargeback.settings import InfraSettings
from terms.adapters import parse_price_book
from terms.domain import PriceBookCatalog

NOW = datetime(2026, 5, 20, 12, tzinfo=UTC)
_ids = itertools.count()


def book(version: str, since: str, dept_b_parent: str) -> str:
    return f"""
version: "{version}"
effective_from: "{since}"
currency: USD
services:
  compute: {{meters: {{cpu_hours: {{unit: hour, price: "1"}}}}}}
  storage: {{meters: {{gb: {{unit: GB, price: "0.5"}}}}}}
cost_centers:
  HOLDING: {{name: Holding}}
  DIV-1: {{name: Division one, parent: HOLDING}}
  DIV-2: {{name: Division two, parent: HOLDING}}
  DEPT-A: {{name: Department A, parent: DIV-1}}
  DEPT-B: {{name: Department B, parent: {dept_b_parent}}}
customers:
  acme: {{cost_center: DEPT-A}}
  globex: {{cost_center: DEPT-B}}
  initech: {{cost_center: DIV-2}}
"""


# From March 2026 department B belongs to division two: its charges count there from then.
BOOKS = (
    book("tree-1", "2024-01-01T00:00:00Z", "DIV-1"),
    book("tree-2", "2026-03-01T00:00:00Z", "DIV-2"),
)
TERMS = PriceBookCatalog(parse_price_book(text) for text in BOOKS)


def rated(customer: str, service: str, quantity: str, when: datetime) -> RatedCharge:
    """A charge as rating makes it under TERMS (its cost centre's path of that time)."""
    meter = "cpu_hours" if service == "compute" else "gb"
    event = UsageEvent(
        specversion="1.0",
        type="dev.chargeback.usage.v1",
        id=f"e{next(_ids)}",
        source="plans://test",
        subject=customer,
        time=when,
        data=UsageData(service=service, meter=meter, quantity=Decimal(quantity)),
    )
    return TERMS.rate(event, rated_at=when)


@dataclass
class Platform:
    billing: httpx.AsyncClient
    monitor: httpx.AsyncClient
    ledger: SqlLedger
    monitor_app: object
    keys: dict[str, str]

    def store(self, charges: Sequence[RatedCharge]) -> None:
        entries = [LedgerEntry(c, "usage.rated", 0, i) for i, c in enumerate(charges)]
        self.ledger.record(group="billing", entries=entries, bounds={})

    async def call(self, method: str, path: str, who: str = "finance", **kw) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.keys[who]}"}
        return await self.monitor.request(method, path, headers=headers, **kw)


def make_keys(store: KeyStore) -> dict[str, str]:
    made = {"finance": store.create("finance", name="ops")[0]}
    made["monitor"] = store.create("finance", name="budget monitor")[0]
    for customer in ("acme", "globex", "initech"):
        made[customer] = store.create("customer", name=f"{customer} BU", customer=customer)[0]
    return made


@asynccontextmanager
async def platform(tmp_path, database_url: str, redis_url: str) -> AsyncIterator[Platform]:
    store = KeyStore(tmp_path / "keys.json")
    keys = make_keys(store)
    infra = InfraSettings(_env_file=None, database_url=database_url, redis_url=redis_url)
    seed = [(parse_price_book(text), text) for text in BOOKS]
    engine = make_engine(database_url)
    billing_app = build_billing(
        BillingSettings(finalize_every_s=0), infra=infra, keys=store, seed=seed, engine=engine,
        start_consumer=False, clock=lambda: NOW,
    )  # fmt: skip
    actuals = BillingActuals(
        "http://billing", keys["monitor"], timeout_s=10, transport=httpx.ASGITransport(billing_app)
    )
    monitor_app = build_monitor(
        BudgetMonitorSettings(_env_file=None, database_url=database_url), infra=infra, keys=store,
        seed=seed, start_consumers=False, clock=lambda: NOW, actuals=actuals,
    )  # fmt: skip
    try:
        async with (
            billing_app.router.lifespan_context(billing_app),
            monitor_app.router.lifespan_context(monitor_app),
            httpx.AsyncClient(transport=httpx.ASGITransport(billing_app), base_url="http://b") as b,
            httpx.AsyncClient(transport=httpx.ASGITransport(monitor_app), base_url="http://m") as m,
        ):
            yield Platform(b, m, SqlLedger(engine, clock=lambda: NOW), monitor_app, keys)
    finally:
        engine.dispose()
