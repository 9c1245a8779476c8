"""Builders shared by rating's unit tests (a uniquely named module, unlike `conftest`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chargeback.contracts import UsageEvent
from terms.adapters.files import parse_price_book
from terms.domain import PriceBook

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "contracts" / "pricebooks" / "example.yaml"
RATED_AT = datetime(2024, 6, 1, 12, 0, 5, tzinfo=UTC)

EventFactory = Callable[..., UsageEvent]


def book_yaml(
    version: str = "v1",
    effective_from: str = "2024-01-01T00:00:00Z",
    price: str = "0.05",
    currency: str = "USD",
) -> str:
    return f"""
version: "{version}"
effective_from: {effective_from}
currency: {currency}
services:
  compute:
    meters:
      cpu_hours: {{unit: vCPU-hour, price: "{price}"}}
      memory_gb_hours: {{unit: GiB-hour, price: "0.005"}}
"""


def make_book(**kwargs: Any) -> PriceBook:
    return parse_price_book(book_yaml(**kwargs))


# Every pricing model and demand rule, small numbers so amounts are easy to check by hand.
RULES_BOOK = """
version: "rules-1"
effective_from: 2024-01-01T00:00:00Z
currency: USD
services:
  compute:
    meters:
      cpu_hours:
        unit: vCPU-hour
        pricing:
          model: graduated
          tiers: [{up_to: "100", price: "1.00"}, {up_to: "200", price: "0.50"}, {price: "0.25"}]
      gpu_hours: {unit: GPU-hour, price: "2.00"}
  storage:
    meters:
      gb_hours:
        unit: GiB-hour
        pricing:
          model: volume
          tiers: [{up_to: "1000", price: "0.10"}, {price: "0.05"}]
      requests:
        unit: request
        free_allowance: "100"
        pricing: {model: package, size: "1000", price: "0.40"}
  marketplace:
    meters:
      spend: {unit: USD, pricing: {model: percentage, percent: "3.5"}}
customers:
  acme:
    name: ACME
    cost_center: CC-1
    time_zone: America/New_York
    discount_percent: "10"
    overrides:
      compute:
        gpu_hours: {price: "1.50", committed: "10"}
  globex:
    time_zone: Europe/Berlin
    overrides:
      compute:
        cpu_hours: {committed: "150"}
demand_rules:
  time_of_use:
    - {name: peak, time_zone: Europe/Berlin, days: [mon, tue, wed, thu, fri],
       from: "08:00", to: "18:00", adjust_percent: "+20", applies_to: [compute]}
    - {name: night, time_zone: Europe/Berlin, days: [mon, tue, wed, thu, fri, sat, sun],
       from: "22:00", to: "06:00", adjust_percent: "-50", applies_to: [compute]}
  over_commitment: {surcharge_percent: "25"}
  dimension_modifiers:
    - {dimension: priority, equals: batch, adjust_percent: "-30", applies_to: [compute]}
    - {dimension: region, equals: ap-south, adjust_percent: "+10"}
"""


def rules_book() -> PriceBook:
    return parse_price_book(RULES_BOOK)


# A Wednesday afternoon in Berlin (CEST, UTC+2): 13:00 UTC is 15:00 local: peak hours.
PEAK = "2024-06-05T13:00:00Z"
# A Sunday, 12:00 in Berlin: no window applies.
QUIET = "2024-06-02T10:00:00Z"
