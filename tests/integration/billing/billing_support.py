"""Helpers for billing's integration tests: a settable clock, customer settings, storing."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from billing.adapters.ledger import SqlBooks, SqlLedger, make_engine
from billing.bootstrap import build_app
from billing.domain.customers import parse_customer
from billing.domain.ledger import LedgerEntry
from billing.settings import BillingSettings
from chargeback.contracts import RatedCharge
from chargeback.settings import InfraSettings


class Clock:
    """A settable clock for the ledger and the books (finalization depends on 'now')."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def configure(ledger: SqlLedger, **customers: dict[str, Any]) -> None:
    """Customer settings as a price book's `customers` section states them."""
    ledger.save_customers(
        [parse_customer(cid, raw) for cid, raw in customers.items()], source="file"
    )


def store(ledger: SqlLedger, charges: list[RatedCharge], *, first_offset: int = 0) -> Any:
    entries = [LedgerEntry(c, "usage.rated", 0, first_offset + i) for i, c in enumerate(charges)]
    return ledger.record(group="billing", entries=entries, positions={})


@contextlib.asynccontextmanager
async def billing_api(
    database_url: str, keys: Any, tmp_path: Path, clock: Clock, **settings: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, SqlLedger, SqlBooks]]:
    """The billing app (no Kafka consumer, no scheduler) over a real ledger, on `clock`."""
    customers = tmp_path / "customers.yaml"
    if not customers.exists():
        customers.write_text("customers: {}\n")
    engine = make_engine(database_url)
    infra = InfraSettings(database_url=database_url, chargeback_keys_file=tmp_path / "keys.json")
    app = build_app(
        BillingSettings(**{"customers_file": customers, "finalize_every_s": 0, **settings}),
        infra=infra,
        keys=keys.store,
        engine=engine,
        start_consumer=False,
        clock=clock,
    )
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://billing") as client:
                yield client, SqlLedger(engine, clock=clock), SqlBooks(engine, clock=clock)
    finally:
        engine.dispose()
