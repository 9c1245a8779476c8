"""A price-book version: the service catalog, prices, customers and demand rules, from a time on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from chargeback.contracts import RatedCharge, UsageEvent
from rating.domain.charging import charge_event
from rating.domain.errors import UnknownMeter, UnknownService
from rating.domain.periods import UTC_ZONE, period_of
from rating.domain.pricing import ZERO, PricingModel
from rating.domain.rules import DemandRules


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


@dataclass(frozen=True, slots=True)
class Terms:
    """The terms one customer gets for one meter: the book's, with their overrides."""

    meter: Meter
    pricing: PricingModel
    free_allowance: Decimal
    committed: Decimal | None
    discount_percent: Decimal
    own_rates: bool


@dataclass(frozen=True, slots=True)
class PriceBook:
    version: str
    effective_from: datetime
    currency: str
    services: Mapping[str, Service]
    customers: Mapping[str, Customer] = field(default_factory=dict)
    rules: DemandRules = field(default_factory=DemandRules)
    # The document it was built from, as written (shown by the API; not used to price).
    document: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # Terms resolved once per (customer, service, meter): rating looks them up per event.
    _terms: dict[tuple[str, str, str], Terms] = field(
        default_factory=dict, compare=False, repr=False
    )

    def meter(self, service: str, meter: str) -> Meter:
        """The priced meter, or a domain error naming what this version does not know."""
        offering = self.services.get(service)
        if offering is None:
            raise UnknownService(
                f"service {service!r} is not in price book {self.version}", field="data.service"
            )
        found = offering.meters.get(meter)
        if found is None:
            raise UnknownMeter(
                f"meter {meter!r} of service {service!r} is not in price book {self.version}",
                field="data.meter",
            )
        return found

    def customer(self, ident: str) -> Customer:
        """A customer the book does not list pays list prices, with periods in UTC."""
        return self.customers.get(ident) or Customer(ident)

    def terms(self, customer: str, service: str, meter: str) -> Terms:
        listed = customer if customer in self.customers else ""  # the unlisted share list terms
        found = self._terms.get((listed, service, meter))
        if found is None:
            found = self._terms[(listed, service, meter)] = self._resolve(customer, service, meter)
        return found

    def _resolve(self, customer: str, service: str, meter: str) -> Terms:
        priced = self.meter(service, meter)
        who = self.customer(customer)
        own = who.overrides.get((service, meter)) or Override()
        return Terms(
            meter=priced,
            pricing=own.pricing or priced.pricing,
            free_allowance=priced.free_allowance
            if own.free_allowance is None
            else own.free_allowance,
            committed=own.committed,
            discount_percent=who.discount_percent,
            own_rates=own.pricing is not None,
        )

    def period(self, customer: str, moment: datetime) -> str:
        """The billing period (calendar month in the customer's time zone) of a moment."""
        return period_of(moment, self.customer(customer).zone)

    def rate(
        self,
        event: UsageEvent,
        *,
        rated_at: datetime,
        used_before: Decimal = ZERO,
        period: str | None = None,
    ) -> RatedCharge:
        """Price one event, `used_before` units of its meter having been used this period."""
        return charge_event(self, event, rated_at=rated_at, used_before=used_before, period=period)
