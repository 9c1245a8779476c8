"""Spreading a service's fixed cost over its consumers, exact to the minor unit.

The split is the platform's one largest-remainder rule (`chargeback.apportion`): each
consumer gets the whole cents of its quota, the cents left over go to the largest
fractional remainders, ties to the larger weight, then to the customer id first in
alphabetical order. The shares therefore always add up to the fixed cost exactly.

Weights: `usage` = the consumer's metered quantity of the basis meter (or, without
one, its charged amount for the service); `even` = 1 per consumer that used the
service; `split` = the configured shares. Negative weights count as zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from billing.domain.costs import AllocationMethod, ServiceCost
from chargeback.apportion import largest_remainder
from chargeback.money import ZERO

__all__ = ["Allocation", "Share", "allocate", "largest_remainder"]


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
