"""The tier state: units used per customer, service, meter and billing period, in event order.

Tiers, allowances and commitments depend on what the customer used earlier in the
period, so events of one customer are rated in their order (the order of their
`usage.events` partition, which is keyed by customer). `Rater` is that sequence, pure:
the worker runs it over a batch with the totals it loaded, the oracle over everything.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import datetime
from decimal import Decimal

from chargeback.contracts import RatedCharge, UsageEvent
from chargeback.money import exact_sum
from terms.domain.catalog import PriceBookCatalog
from terms.domain.pricing import ZERO

UsageKey = tuple[str, str, str, str]  # customer, service, meter, billing period


def usage_key(catalog: PriceBookCatalog, event: UsageEvent) -> UsageKey:
    """Where the event's units count (a domain error if no price book is in force)."""
    book = catalog.in_force_at(event.time)
    data = event.data
    return (event.customer, data.service, data.meter, book.period(event.customer, event.time))


class Rater:
    """Rates events one after another, adding each one's units to the period's total."""

    def __init__(
        self, catalog: PriceBookCatalog, usage: MutableMapping[UsageKey, Decimal] | None = None
    ) -> None:
        self.catalog = catalog
        self.usage: MutableMapping[UsageKey, Decimal] = {} if usage is None else usage
        self.changed: set[UsageKey] = set()

    def rate(self, event: UsageEvent, *, rated_at: datetime) -> RatedCharge:
        """The event's charge; its units count only once it is priced (a refusal adds none)."""
        book = self.catalog.in_force_at(event.time)
        data = event.data
        period = book.period(event.customer, event.time)
        key = (event.customer, data.service, data.meter, period)
        before = self.usage.get(key, ZERO)
        charge = book.rate(event, rated_at=rated_at, used_before=before, period=period)
        self.usage[key] = exact_sum((before, data.quantity))
        self.changed.add(key)
        return charge
