"""The budgets and subscriptions every worker evaluates against, kept current.

Loaded from SQL into an immutable `BudgetBook` (and a subscription map) that the
consumers read on every batch. Reloaded when the stored revision moves: at once on
a Redis notice from whichever process made the change, or by a short poll.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from budget_monitor.adapters.customer_directory import CustomerDirectory
from budget_monitor.adapters.sql import SqlBudgets, SqlSubscriptions
from budget_monitor.adapters.sql.subscriptions import StoredSubscription
from budget_monitor.domain import (
    Budget,
    BudgetBook,
    ConfigError,
    Subscription,
    budget_from_document,
)

log = logging.getLogger(__name__)


@dataclass
class Registry:
    budgets: SqlBudgets
    subscriptions: SqlSubscriptions
    directory: CustomerDirectory
    book: BudgetBook = field(default_factory=BudgetBook)
    subs: dict[str, StoredSubscription] = field(default_factory=dict)
    revision: int = -1
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def load(self) -> None:
        """Reads everything (blocking: call from a thread, or at start)."""
        revision = self.budgets.revision()
        self.directory.refresh()
        customers = self.directory.customers
        loaded: list[Budget] = []
        for stored in self.budgets.all():
            try:
                loaded.append(
                    budget_from_document(stored.document, time_zones=customers.time_zones)
                )
            except ConfigError as exc:  # e.g. a time zone no longer known: skip, say so
                log.error("budget %s not loaded: %s", stored.document.get("id"), exc)
        self.book = BudgetBook(tuple(loaded), cost_centers=dict(customers.cost_centers))
        self.subs = {s.subscription.id: s for s in self.subscriptions.all()}
        self.revision = revision

    async def refresh(self, *, force: bool = False) -> bool:
        """Reloads if the stored revision (or the price book) changed; whether it did."""
        async with self._lock:
            revision = await asyncio.to_thread(self.budgets.revision)
            changed = await asyncio.to_thread(self.directory.refresh)
            if not (force or changed or revision != self.revision):
                return False
            await asyncio.to_thread(self.load)
            log.info(
                "budgets reloaded",
                extra={"revision": self.revision, "budgets": len(self.book)},
            )
            return True

    def active_subscriptions(self) -> list[Subscription]:
        return [s.subscription for s in self.subs.values() if s.subscription.enabled]

    def subscription(self, sub_id: str) -> Subscription | None:
        stored = self.subs.get(sub_id)
        return None if stored is None else stored.subscription
