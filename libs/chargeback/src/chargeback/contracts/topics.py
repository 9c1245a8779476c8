"""Topic names: one place, so producers and consumers cannot drift apart."""

from __future__ import annotations

from typing import ClassVar


class Topics:
    INGEST = "usage.ingest"  # emitters producing straight to Kafka (validated by metering)
    EVENTS = "usage.events"  # accepted usage, keyed by customer
    REJECTED = "usage.rejected"  # every refused event, with its reason
    RATED = "usage.rated"  # rated charges, keyed by customer
    ALERTS = "budget.alerts"  # budget threshold alerts, keyed by budget
    INVOICES = "billing.invoices"  # invoice documents as they change state

    PARTITIONS: ClassVar[dict[str, int]] = {
        INGEST: 4,
        EVENTS: 4,
        REJECTED: 1,
        RATED: 4,
        ALERTS: 1,
        INVOICES: 1,
    }
