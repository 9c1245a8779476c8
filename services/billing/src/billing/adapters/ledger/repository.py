"""The ledger as the rest of billing sees it: blocking calls, one transaction each.

Async callers run these in `asyncio.to_thread` so the event loop never waits on SQL.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence

from sqlalchemy import Connection, Engine, text

from billing.adapters.ledger import customers, migrate, reads, writes
from billing.adapters.ledger import positions as tracking
from billing.domain.customer_settings import CustomerSettings
from billing.domain.invoices import DraftLine
from billing.domain.ledger import BatchOutcome, LedgerEntry
from chargeback.clock import Clock, utc_now
from terms.domain import Period


class SqlLedger:
    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    def create_schema(self) -> None:
        """Migrate the schema to the latest revision (idempotent)."""
        migrate.upgrade(self.engine)

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for several reads (exports stream through one)."""
        with self.engine.connect() as conn:
            yield conn

    def record(
        self,
        *,
        group: str,
        entries: Sequence[LedgerEntry],
        bounds: Mapping[tuple[str, int], tuple[int, int]],
    ) -> BatchOutcome:
        """Store a consumed batch and the positions it reached, atomically, behind the fence
        (`bounds`: per (topic, partition), the batch's first and next offsets)."""
        with self.engine.begin() as conn:
            return writes.record_batch(
                conn, group=group, entries=entries, bounds=bounds, now=self.clock()
            )

    def positions(
        self, group: str, partitions: Iterable[tuple[str, int]]
    ) -> dict[tuple[str, int], int]:
        with self.engine.connect() as conn:
            return tracking.stored_positions(conn, group, partitions)

    def draft_lines(self, customer: str, period: Period) -> list[DraftLine]:
        with self.engine.connect() as conn:
            return reads.draft_lines(conn, customer, period)

    def charges(
        self,
        *,
        customer: str,
        period: Period,
        service: str | None = None,
        meter: str | None = None,
        after: int = 0,
        limit: int = 100,
    ) -> list[reads.StoredCharge]:
        with self.engine.connect() as conn:
            return reads.charges_behind(
                conn,
                customer=customer,
                period=period,
                service=service,
                meter=meter,
                after=after,
                limit=limit,
            )

    # Customers

    def save_customers(self, found: Iterable[CustomerSettings], *, source: str) -> int:
        """Store settings (the file never overwrites API-set ones); how many were stored."""
        with self.engine.begin() as conn:
            now = self.clock()
            return sum(customers.save_settings(conn, c, source=source, now=now) for c in found)

    def customer_states(
        self, ids: Iterable[str] | None = None
    ) -> dict[str, customers.CustomerState]:
        with self.engine.connect() as conn:
            return customers.all_states(conn, ids)
