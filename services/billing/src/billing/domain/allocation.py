"""Spreading a service's fixed cost over its consumers, exact to the minor unit.

Each consumer's quota is fixed cost x weight / total weight, in minor units (cents)
as an exact fraction. Every consumer gets the whole cents of its quota; the cents
left over (fewer than the number of consumers) go one each to the consumers with
the largest fractional remainders (Hamilton's largest-remainder method), ties
going to the larger weight, then to the customer id first in alphabetical order.
The shares therefore always add up to the fixed cost exactly.

Weights: `usage` = the consumer's metered quantity of the basis meter (or, without
one, its charged amount for the service); `even` = 1 per consumer that used the
service; `split` = the configured shares. Negative weights count as zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from billing.domain.costs import AllocationMethod, ServiceCost
from chargeback.money import EXACT, ZERO, minor_unit


@dataclass(frozen=True, slots=True)
class Share:
    customer: str
    weight: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Allocation:
    service: str
    period: str
    currency: str
    method: AllocationMethod
    fixed_cost: Decimal
    shares: tuple[Share, ...]
    unallocated: Decimal  # the whole fixed cost when nobody carries weight, else 0


def largest_remainder(
    total: Decimal, weights: Mapping[str, Decimal], currency: str
) -> dict[str, Decimal]:
    """`total` split in proportion to `weights`, in whole minor units, summing to `total`."""
    places = minor_unit(currency)
    units = total.scaleb(places, EXACT)
    if units != units.to_integral_value():
        raise ValueError(f"{total} is not a whole number of {currency} minor units")
    positive = {c: max(w, ZERO) for c, w in weights.items()}
    weight_sum = sum((Fraction(w) for w in positive.values()), Fraction(0))
    if weight_sum == 0:
        return {}
    quotas = {c: Fraction(int(units)) * Fraction(w) / weight_sum for c, w in positive.items()}
    floors = {c: q.numerator // q.denominator for c, q in quotas.items()}
    left = int(units) - sum(floors.values())
    order = sorted(quotas, key=lambda c: (-(quotas[c] - floors[c]), -positive[c], c))
    for customer in order[:left]:
        floors[customer] += 1
    return {c: Decimal(n).scaleb(-places, EXACT) for c, n in sorted(floors.items())}


def allocate(
    cost: ServiceCost, period: str, usage: Mapping[str, tuple[Decimal, Decimal]]
) -> Allocation:
    """Allocate `cost`'s fixed cost; `usage` maps customer -> (basis quantity, charged amount)."""
    if cost.method == "split":
        weights = dict(cost.shares)
    elif cost.method == "even":
        weights = {c: Decimal(1) for c in usage}
    else:
        weights = {c: (q if cost.basis_meter else a) for c, (q, a) in usage.items()}
    amounts = largest_remainder(cost.fixed_total, weights, cost.currency)
    shares = tuple(Share(c, weights[c], amounts[c]) for c in sorted(amounts))
    return Allocation(
        service=cost.service,
        period=period,
        currency=cost.currency,
        method=cost.method,
        fixed_cost=cost.fixed_total,
        shares=shares,
        unallocated=ZERO if shares else cost.fixed_total,
    )
