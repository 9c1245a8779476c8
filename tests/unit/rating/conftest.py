"""Fixtures for rating's unit tests: events and price books built in memory."""

from __future__ import annotations

import pytest
from rating_helpers import EXAMPLE, EventFactory

from chargeback.contracts import UsageEvent
from terms.adapters.files import load_catalog
from terms.domain import PriceBookCatalog


@pytest.fixture
def example_catalog() -> PriceBookCatalog:
    return load_catalog(EXAMPLE)


@pytest.fixture
def make_event() -> EventFactory:
    counter = iter(range(1_000_000))

    def build(
        *,
        id: str | None = None,
        source: str = "//clusters/eu-1",
        customer: str = "acme",
        service: str = "compute",
        meter: str = "cpu_hours",
        quantity: str = "1",
        time: str = "2024-06-01T12:00:00Z",
        ingesttime: str | None = "2024-06-01T12:00:01Z",
        dimensions: dict[str, str] | None = None,
    ) -> UsageEvent:
        return UsageEvent.model_validate(
            {
                "specversion": "1.0",
                "id": id or f"evt-{next(counter)}",
                "source": source,
                "type": "dev.chargeback.usage.v1",
                "subject": customer,
                "time": time,
                "data": {
                    "service": service,
                    "meter": meter,
                    "quantity": quantity,
                    "dimensions": dimensions or {},
                },
                "ingesttime": ingesttime,
            }
        )

    return build
