"""What a price-book version offers and to whom: meters, customers, their negotiated terms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from terms.domain.pricing import ZERO, PricingModel

UTC_ZONE = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class Meter:
    name: str
    unit: str
    pricing: PricingModel
    free_allowance: Decimal = ZERO  # units free per customer and billing period


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    meters: Mapping[str, Meter]
    description: str = ""


@dataclass(frozen=True, slots=True)
class Override:
    """What a customer negotiated for one meter; None keeps the price book's terms."""

    pricing: PricingModel | None = None
    free_allowance: Decimal | None = None
    committed: Decimal | None = None  # quantity committed per billing period


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    name: str = ""
    cost_center: str = ""
    zone: ZoneInfo = UTC_ZONE  # billing periods are cut in this time zone
    discount_percent: Decimal = ZERO
    overrides: Mapping[tuple[str, str], Override] = field(default_factory=dict)
    # The cost centre and its ancestors in the version's tree, most specific first
    # (no tree: the cost centre alone; none: empty). Every charge carries it.
    cost_center_path: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.cost_center_path and self.cost_center:
            object.__setattr__(self, "cost_center_path", (self.cost_center,))

    @property
    def commitments(self) -> list[tuple[str, str, Decimal]]:
        """(service, meter, committed units a period), in service and meter order."""
        return [
            (service, meter, own.committed)
            for (service, meter), own in sorted(self.overrides.items())
            if own.committed is not None
        ]


@dataclass(frozen=True, slots=True)
class Terms:
    """The terms one customer gets for one meter: the book's, with their overrides."""

    meter: Meter
    pricing: PricingModel
    free_allowance: Decimal
    committed: Decimal | None
    discount_percent: Decimal
    own_rates: bool
