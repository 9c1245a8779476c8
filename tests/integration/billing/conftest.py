"""Billing integration fixtures: a ledger on each backend, API keys, charge builders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from billing_support import Clock, with_context

from billing.adapters.ledger import SqlBooks, SqlLedger, make_engine
from chargeback.auth import KeyStore
from chargeback.contracts import RatedCharge


@pytest.fixture
def ledger(database_url: str) -> Iterator[SqlLedger]:
    """A ledger with its tables, on SQLite and on PostgreSQL."""
    engine = make_engine(database_url)
    ledger = SqlLedger(engine)
    ledger.create_schema()
    yield ledger
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2024, 7, 10, 12, tzinfo=UTC))


@pytest.fixture
def books(ledger: SqlLedger, clock: Clock) -> SqlBooks:
    """The finance side of the same ledger, on the settable clock."""
    ledger.clock = clock
    return SqlBooks(ledger.engine, clock=clock)


@pytest.fixture
def rated_charge() -> Callable[..., RatedCharge]:
    """A rated charge; `terms=<catalog>` gives it the context rating would under those terms
    (period in the customer's zone, zone, cost center), else UTC and no cost center."""

    def build(event_id: str = "e1", terms: Any = None, **fields: Any) -> RatedCharge:
        values: dict[str, Any] = {
            "event_id": event_id,
            "event_source": "//cluster/eu-1",
            "customer": "acme",
            "service": "compute",
            "meter": "cpu",
            "unit": "vcpu-hour",
            "quantity": "2",
            "unit_price": "0.0125",
            "amount": "0.025",
            "currency": "USD",
            "price_book_version": "2024-05",
            "event_time": datetime(2024, 5, 10, 12, tzinfo=UTC),
            "rated_at": datetime.now(UTC),
            "dimensions": {"region": "eu-1"},
            "breakdown": [{"rule": "base", "amount_delta": "0.025"}],
        }
        values.update(fields)
        return RatedCharge.model_validate(with_context(values, terms))

    return build


@dataclass
class Keys:
    store: KeyStore
    finance: str
    acme: str  # customer key of "acme"
    globex: str  # customer key of "globex"
    emitter: str

    @staticmethod
    def bearer(key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    store = KeyStore(tmp_path / "keys.json")
    finance, _ = store.create("finance", name="ops")
    acme, _ = store.create("customer", customer="acme")
    globex, _ = store.create("customer", customer="globex")
    emitter, _ = store.create("emitter", sources=("*",))
    return Keys(store, finance, acme, globex, emitter)
