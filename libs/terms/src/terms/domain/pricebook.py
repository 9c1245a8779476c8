"""A price-book version: the service catalog, prices, customers and demand rules, from a time on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from chargeback.contracts import RatedCharge, UsageEvent
from terms.domain.charging import charge_event
from terms.domain.cost_centers import CostCenterTree
from terms.domain.customers import Customer, Meter, Override, Service, Terms
from terms.domain.errors import TimeOutOfRange, UnknownMeter, UnknownService
from terms.domain.periods import InvalidPeriodError, Period
from terms.domain.pricing import ZERO
from terms.domain.rules import DemandRules


@dataclass(frozen=True, slots=True)
class PriceBook:
    version: str
    effective_from: datetime
    currency: str
    services: Mapping[str, Service]
    customers: Mapping[str, Customer] = field(default_factory=dict)
    rules: DemandRules = field(default_factory=DemandRules)
    cost_centers: CostCenterTree = field(default_factory=CostCenterTree)
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
        try:
            return str(Period.of(moment, self.customer(customer).zone))
        except InvalidPeriodError as outside:
            raise TimeOutOfRange(str(outside), field="time") from None

    def rate(
        self,
        event: UsageEvent,
        *,
        rated_at: datetime,
        used_before: Decimal = ZERO,
        period: str | None = None,
    ) -> RatedCharge:
        """Price one event, `used_before` units of its meter having been used this period."""
        data = event.data
        return charge_event(
            event,
            terms=self.terms(event.customer, data.service, data.meter),
            customer=self.customer(event.customer),
            rules=self.rules,
            version=self.version,
            currency=self.currency,
            period=period or self.period(event.customer, event.time),
            rated_at=rated_at,
            used_before=used_before,
        )
