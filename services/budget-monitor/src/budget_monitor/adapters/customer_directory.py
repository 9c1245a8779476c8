"""Who is in which cost center, and each customer's time zone, from the price book.

RATING_PRICE_BOOK names a price-book YAML file or a directory of version files;
each has `customers: {id: {cost_center, time_zone}}`. Of several versions, the
latest `effective_from` wins for a customer they both name. Re-read when a file
changes, so a customer moved to another cost center counts there from then on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Customers:
    cost_centers: dict[str, str] = field(default_factory=dict)
    time_zones: dict[str, str] = field(default_factory=dict)


class CustomerDirectory:
    def __init__(self, price_book: Path | None) -> None:
        self.price_book = price_book
        self._stamp: tuple[tuple[str, float], ...] | None = None
        self.customers = Customers()

    def _files(self) -> list[Path]:
        if self.price_book is None or not self.price_book.exists():
            return []
        if self.price_book.is_dir():
            return sorted(p for p in self.price_book.iterdir() if p.suffix in (".yaml", ".yml"))
        return [self.price_book]

    def refresh(self) -> bool:
        """Re-reads the price book if a file changed; whether it did."""
        files = self._files()
        stamp = tuple((str(p), p.stat().st_mtime) for p in files)
        if stamp == self._stamp:
            return False
        documents = []
        for path in files:
            try:
                documents.append(yaml.safe_load(path.read_text()) or {})
            except (OSError, yaml.YAMLError) as exc:
                log.error("price book %s unreadable for cost centers: %s", path, exc)
        self.customers = _customers(documents)
        self._stamp = stamp
        return True


def _customers(documents: list[Any]) -> Customers:
    found = Customers()
    dated = [d for d in documents if isinstance(d, dict)]
    for document in sorted(dated, key=lambda d: str(d.get("effective_from", ""))):
        customers = document.get("customers") or {}
        if not isinstance(customers, dict):
            continue
        for customer, entry in customers.items():
            if not isinstance(entry, dict):
                continue
            if isinstance(entry.get("cost_center"), str):
                found.cost_centers[str(customer)] = entry["cost_center"]
            if isinstance(entry.get("time_zone"), str):
                found.time_zones[str(customer)] = entry["time_zone"]
    return found
