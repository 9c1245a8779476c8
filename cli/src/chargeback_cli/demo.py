"""Synthetic usage for `chargeback up` and `chargeback emit`: the meters of a real price book."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from chargeback.emitter import usage_event
from terms.adapters.files import load_catalog

DEMO_CUSTOMERS = ("acme", "globex", "initech")


@dataclass(frozen=True)
class DemoCatalog:
    customers: tuple[str, ...]
    meters: tuple[tuple[str, str], ...]  # (service, meter)

    @classmethod
    def from_price_book(cls, path: Path) -> DemoCatalog:
        """The meters and customers of the latest version of a price book (file or folder)."""
        latest = load_catalog(path).versions[-1]
        meters = tuple(
            (name, meter) for name, service in latest.services.items() for meter in service.meters
        )
        return cls(customers=tuple(latest.customers) or DEMO_CUSTOMERS, meters=meters)


def demo_events(catalog: DemoCatalog, *, seed: int | None = None) -> Iterator[dict[str, Any]]:
    """Endless synthetic usage: several customers, services and meters, some dimensions."""
    rng = random.Random(seed)
    while True:
        service, meter = rng.choice(catalog.meters)
        quantity = Decimal(rng.randint(1, 5000)) / Decimal(100)
        yield usage_event(
            source=f"demo://{service}-cluster-{rng.randint(1, 3)}",
            customer=rng.choice(catalog.customers),
            service=service,
            meter=meter,
            quantity=quantity,
            dimensions={"region": rng.choice(["eu-west", "us-east"])},
        )
