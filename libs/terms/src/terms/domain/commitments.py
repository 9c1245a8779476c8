"""Minimum commitments: what a customer still owes for committed units it did not use.

A customer who committed to `committed` units of a meter a period pays for at least
those: at period close the shortfall (committed minus used) is priced like usage would
have been, by the customer's pricing for that meter (tiers, own rates and free allowance
included) less their discount. Demand rules do not apply: unused units have no time or
dimensions. This is the one computation of it: rating's `GET /v1/commitments` and
billing's shortfall line both call `period_commitments`.

Which terms close a period: the version in force at the period's last instant, the
period being cut in the customer's zone of the version in force at the last instant of
the UTC month (a zone that changed within the month is rare; this makes the rule
depend on the period alone, never on when it is asked).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from chargeback.money import exact_sum
from terms.domain.catalog import PriceBookCatalog
from terms.domain.charging import billable
from terms.domain.periods import Period
from terms.domain.pricebook import PriceBook
from terms.domain.pricing import ZERO, exact_difference, percent_of

INSTANT = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Shortfall:
    service: str
    meter: str
    unit: str
    committed: Decimal
    used: Decimal
    quantity: Decimal  # committed units not used (0 when the commitment was met)
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PeriodCommitments:
    """A customer's commitments in one billing period, as they stand for `used`."""

    book: PriceBook  # the version whose terms close the period
    start: datetime  # UTC bounds of the period in the customer's zone
    end: datetime
    shortfalls: tuple[Shortfall, ...]

    @property
    def total(self) -> Decimal:
        return exact_sum(item.amount for item in self.shortfalls)


def closing_book(catalog: PriceBookCatalog, customer: str, period: Period) -> PriceBook:
    """The version whose terms close `customer`'s `period` (NoPriceBookInForce if none)."""
    zone = catalog.in_force_at(period.end - INSTANT).customer(customer).zone
    return catalog.in_force_at(period.end_in(zone) - INSTANT)


def commitment_shortfalls(
    book: PriceBook, customer: str, used: Mapping[tuple[str, str], Decimal]
) -> list[Shortfall]:
    """Every commitment of `customer` in `book`, against `used` units per (service, meter)."""
    found = []
    for service, meter, committed in book.customer(customer).commitments:
        terms = book.terms(customer, service, meter)
        so_far = used.get((service, meter), ZERO)
        missing = exact_difference(committed, so_far) if committed > so_far else ZERO
        amount = exact_difference(
            terms.pricing.cost(billable(committed, terms.free_allowance)),
            terms.pricing.cost(billable(min(so_far, committed), terms.free_allowance)),
        )
        if terms.discount_percent:
            amount = exact_difference(amount, percent_of(amount, terms.discount_percent))
        found.append(
            Shortfall(service, meter, terms.meter.unit, committed, so_far, missing, amount)
        )
    return found


def period_commitments(
    catalog: PriceBookCatalog,
    customer: str,
    period: Period,
    used: Mapping[tuple[str, str], Decimal],
) -> PeriodCommitments:
    """The commitments closing `period` for `customer`, against `used` units of each meter."""
    book = closing_book(catalog, customer, period)
    zone = book.customer(customer).zone
    shortfalls = tuple(commitment_shortfalls(book, customer, used))
    return PeriodCommitments(book, period.start_in(zone), period.end_in(zone), shortfalls)
