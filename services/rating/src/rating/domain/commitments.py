"""Minimum commitments: what a customer still owes for committed units it did not use.

A customer who committed to `committed` units of a meter a period pays for at least
those: at period close the shortfall (committed minus used) is priced like usage would
have been, by the customer's pricing for that meter (tiers, own rates and free allowance
included) less their discount. Demand rules do not apply: unused units have no time or
dimensions. Billing turns the shortfall into an invoice line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from chargeback.money import exact_sum
from rating.domain.charging import billable
from rating.domain.pricebook import PriceBook
from rating.domain.pricing import ZERO, exact_difference, percent_of


@dataclass(frozen=True, slots=True)
class Shortfall:
    service: str
    meter: str
    unit: str
    committed: Decimal
    used: Decimal
    quantity: Decimal  # committed units not used (0 when the commitment was met)
    amount: Decimal


def commitment_shortfalls(
    book: PriceBook, customer: str, used: Mapping[tuple[str, str], Decimal]
) -> list[Shortfall]:
    """Every commitment of `customer` in `book`, against `used` units per (service, meter)."""
    found = []
    for (service, meter), override in sorted(book.customer(customer).overrides.items()):
        if override.committed is None:
            continue
        terms = book.terms(customer, service, meter)
        committed, so_far = override.committed, used.get((service, meter), ZERO)
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


def total_shortfall(shortfalls: list[Shortfall]) -> Decimal:
    return exact_sum(item.amount for item in shortfalls)
