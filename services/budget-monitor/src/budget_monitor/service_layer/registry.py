"""The budgets and subscriptions every worker evaluates against, kept current.

Loaded from SQL into an immutable `BudgetBook` (and a subscription map) that the
consumers read on every batch. Reloaded when the stored revision moves (at once on
a Redis notice from whichever process made the change, or by a short poll) or when
a price-book version is published: a budget with no time zone of its own follows
its customer's, as the terms in force say.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from budget_monitor.adapters.sql import SqlBudgets, SqlSubscriptions
from budget_monitor.adapters.sql.subscriptions import StoredSubscription
from budget_monitor.domain import (
    Budget,
    BudgetBook,
    ConfigError,
    Subscription,
    budget_from_document,
)
from chargeback.clock import Clock, utc_now
from terms.domain import NoPriceBookInForce, PriceBookCatalog
from terms.service_layer.registry import PriceBookRegistry

log = logging.getLogger(__name__)


def customer_zones(catalog: PriceBookCatalog, now: datetime) -> dict[str, str]:
    """Each listed customer's time zone in the version in force now (none before any)."""
    try:
        book = catalog.in_force_at(now)
    except NoPriceBookInForce:
        return {}
    return {ident: customer.zone.key for ident, customer in book.customers.items()}


@dataclass
class Registry:
    budgets: SqlBudgets
    subscriptions: SqlSubscriptions
    terms: PriceBookRegistry
    clock: Clock = utc_now
    book: BudgetBook = field(default_factory=BudgetBook)
    subs: dict[str, StoredSubscription] = field(default_factory=dict)
    revision: int = -1
    time_zones: Mapping[str, str] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def load(self, catalog: PriceBookCatalog) -> None:
        """Reads everything (blocking: call from a thread, or at start)."""
        revision = self.budgets.revision()
        zones = customer_zones(catalog, self.clock())
        loaded: list[Budget] = []
        for stored in self.budgets.all():
            try:
                loaded.append(budget_from_document(stored.document, time_zones=zones))
            except ConfigError as exc:  # e.g. a time zone no longer known: skip, say so
                log.error("budget %s not loaded: %s", stored.document.get("id"), exc)
        self.book = BudgetBook(tuple(loaded))
        self.subs = {s.subscription.id: s for s in self.subscriptions.all()}
        self.time_zones = zones
        self.revision = revision

    async def refresh(self, *, force: bool = False) -> bool:
        """Reloads if the stored revision or the price-book versions changed; whether it did."""
        async with self._lock:
            generation = self.terms.generation
            catalog = await self.terms.refresh()
            revision = await asyncio.to_thread(self.budgets.revision)
            moved = generation != self.terms.generation or revision != self.revision
            if not (force or moved):
                return False
            await asyncio.to_thread(self.load, catalog)
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
