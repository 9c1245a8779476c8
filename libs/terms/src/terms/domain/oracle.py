"""The oracle: what the platform must charge for a set of events, computed offline.

Same domain code as the stream processor, no I/O. Tests and tools compare invoice
totals and rated topics against it to the last decimal. Tiers count in input order per
customer, as the workers count in `usage.events` partition order (keyed by customer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from chargeback.contracts import RatedCharge, UsageEvent
from chargeback.money import exact_sum
from terms.domain.catalog import PriceBookCatalog
from terms.domain.errors import RatingError
from terms.domain.usage import Rater


@dataclass(frozen=True, slots=True)
class Rejection:
    event: UsageEvent
    reason: str
    field: str
    message: str


def rate_events(
    events: Iterable[UsageEvent], catalog: PriceBookCatalog, *, rated_at: datetime | None = None
) -> tuple[list[RatedCharge], list[Rejection]]:
    """Each distinct event (by source + id, first one wins) rated or rejected, in input order.

    `rated_at` defaults to each event's ingest time (else its own time), so the result
    depends on the input alone.
    """
    charges: list[RatedCharge] = []
    rejections: list[Rejection] = []
    seen: set[tuple[str, str]] = set()
    rater = Rater(catalog)
    for event in events:
        identity = (event.source, event.id)
        if identity in seen:
            continue
        seen.add(identity)
        try:
            stamp = rated_at or event.ingesttime or event.time
            charges.append(rater.rate(event, rated_at=stamp))
        except RatingError as error:
            rejections.append(Rejection(event, error.reason, error.field, error.message))
    return charges, rejections


def totals(
    charges: Iterable[RatedCharge], key: Callable[[RatedCharge], str] = lambda c: c.customer
) -> dict[tuple[str, str], Decimal]:
    """Exact sums of amounts by (key, currency); customer by default."""
    groups: dict[tuple[str, str], list[Decimal]] = {}
    for charge in charges:
        groups.setdefault((key(charge), charge.currency), []).append(charge.amount)
    return {group: exact_sum(amounts) for group, amounts in groups.items()}
