"""Billing: ledger write throughput, and finalizing and exporting a period of 1M charges.

- ledger_writes_per_s_{sqlite,postgres}: rated charges per second through the ledger's
  batch write path (`SqlLedger.record`: charges once each, line totals, journal entries
  and positions in one transaction per batch of 5,000, as the usage.rated consumer
  writes them), 24 customers, one period; decoding from Kafka is not included.
  PostgreSQL is the one at TEST_POSTGRES_URL (tests' default), in a fresh schema
  dropped afterwards.
- finalize_1m_charges_s / focus_export_1m_charges_s: on SQLite (the embedded ledger),
  1,000,000 charges of one period loaded through the same batch path (batches of
  20,000); then every customer's period finalized (documents frozen, numbered,
  closing entries posted), then the FOCUS 1.2 export of the period written out as
  CSV by the code `GET /v1/exports/focus` streams.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy

from billing.adapters.ledger import SqlBooks, SqlLedger, make_engine
from billing.domain.focus_columns import COLUMNS
from billing.domain.ledger import LedgerEntry
from billing.service_layer.export_formats import csv_chunks
from billing.service_layer.exports import ExportScope, focus_rows
from chargeback.contracts import RatedCharge
from terms.adapters.files import parse_price_book
from terms.domain import Period, PriceBookCatalog

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
CUSTOMERS = [f"customer-{i:02d}" for i in range(24)]
METERS = [("compute", "cpu_hours", "vCPU-hour"), ("storage", "gb_hours", "GiB-hour")]
MAY = Period(2024, 5)
START = datetime(2024, 5, 1, tzinfo=UTC)
# The terms the period is closed on: every customer listed, in UTC, none committed.
BOOK = """
version: bench
effective_from: "2024-01-01T00:00:00Z"
currency: USD
services:
  compute: {meters: {cpu_hours: {unit: vCPU-hour, price: "0.0416"}}}
  storage: {meters: {gb_hours: {unit: GiB-hour, price: "0.0416"}}}
customers:
""" + "".join(f"  {c}: {{cost_center: CC-{c[-2:]}}}\n" for c in CUSTOMERS)


def catalog() -> PriceBookCatalog:
    return PriceBookCatalog([parse_price_book(BOOK, source="bench")])


def charges(count: int, *, first: int = 0) -> Iterator[LedgerEntry]:
    """Rated charges of May, spread over customers and meters (built, not validated: fast)."""
    rated_at = datetime(2024, 6, 1, tzinfo=UTC)
    for n in range(first, first + count):
        service, meter, unit = METERS[n % len(METERS)]
        quantity = Decimal(n % 97 + 1).scaleb(-1)
        charge = RatedCharge.model_construct(
            event_id=f"bench-{n}",
            event_source="//bench/cluster",
            customer=CUSTOMERS[n % len(CUSTOMERS)],
            service=service,
            meter=meter,
            unit=unit,
            quantity=quantity,
            unit_price=Decimal("0.0416"),
            amount=quantity * Decimal("0.0416"),
            currency="USD",
            price_book_version="bench",
            period="2024-05",
            time_zone="UTC",
            cost_center=f"CC-{n % len(CUSTOMERS):02d}",
            committed_quantity=None,
            event_time=START + timedelta(seconds=n % (30 * 86400)),
            ingested_at=None,
            rated_at=rated_at,
            dimensions={"region": "eu-1"},
            breakdown=[],
        )
        yield LedgerEntry(charge, "usage.rated", n % 4, n // 4)


def write(ledger: SqlLedger, count: int, batch: int) -> float:
    """Seconds to record `count` charges in batches of `batch` (entries built beforehand)."""
    batches = []
    source = charges(count)
    for start in range(0, count, batch):
        batches.append([next(source) for _ in range(min(batch, count - start))])
    started = time.perf_counter()
    for i, entries in enumerate(batches):
        ledger.record(group="bench", entries=entries, bounds={("usage.rated", 0): (i, i + 1)})
    return time.perf_counter() - started


def load(ledger: SqlLedger, count: int, batch: int) -> None:
    """Record `count` charges batch by batch (untimed; never all in memory at once)."""
    for first in range(0, count, batch):
        entries = list(charges(min(batch, count - first), first=first))
        bounds = {("usage.rated", 0): (first, first + len(entries))}
        ledger.record(group="bench", entries=entries, bounds=bounds)


def writes_per_s(url: str, count: int) -> float:
    engine = make_engine(url)
    try:
        ledger = SqlLedger(engine)
        ledger.create_schema()
        return count / write(ledger, count, 5000)
    finally:
        engine.dispose()


def postgres_writes_per_s(count: int) -> float:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in POSTGRES_URL else "?"
        return writes_per_s(f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}", count)
    finally:
        with admin.begin() as conn:
            conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def period_of_a_million(directory: Path, count: int) -> tuple[float, float]:
    """(seconds to finalize the period, seconds to write its FOCUS export), on SQLite."""
    engine = make_engine(f"sqlite:///{directory / 'million.db'}")
    try:
        ledger, books, terms = SqlLedger(engine), SqlBooks(engine), catalog()
        ledger.create_schema()
        load(ledger, count, 20_000)
        started = time.perf_counter()
        for customer in CUSTOMERS:
            books.finalize(customer, MAY, catalog=terms, default_currency="USD")
        finalize_s = time.perf_counter() - started
        started = time.perf_counter()
        size = 0
        with ledger.reading() as conn, open(directory / "focus.csv", "w") as out:
            scope = ExportScope(MAY, None, "Internal IT", terms)
            for chunk in csv_chunks(COLUMNS, focus_rows(conn, scope)):
                size += out.write(chunk)
        export_s = time.perf_counter() - started
        print(f"  FOCUS export: {size / 1e6:,.0f} MB of CSV", flush=True)
        return finalize_s, export_s
    finally:
        engine.dispose()


def run(writes: int = 100_000, period_charges: int = 1_000_000) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        figures["ledger_writes_per_s_sqlite"] = writes_per_s(f"sqlite:///{tmp}/w.db", writes)
        figures["ledger_writes_per_s_postgres"] = postgres_writes_per_s(writes)
        for backend in ("sqlite", "postgres"):
            rate = figures[f"ledger_writes_per_s_{backend}"]
            print(f"ledger writes, {backend}: {rate:,.0f} charges/s", flush=True)
        finalize_s, export_s = period_of_a_million(Path(tmp), period_charges)
    figures["finalize_1m_charges_s"] = finalize_s
    figures["focus_export_1m_charges_s"] = export_s
    print(f"finalize a period of {period_charges:,} charges: {finalize_s:.3f} s")
    print(f"FOCUS export of that period:           {export_s:.1f} s")
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writes", type=int, default=100_000)
    parser.add_argument("--period-charges", type=int, default=1_000_000)
    args = parser.parse_args()
    run(args.writes, args.period_charges)
