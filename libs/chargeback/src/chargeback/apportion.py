"""Splitting an amount exactly to the minor unit: Hamilton's largest-remainder method.

Each share's quota is total x weight / total weight, in minor units (cents) as an
exact fraction. Every share gets the whole cents of its quota; the cents left over
(fewer than the number of shares) go one each to the largest fractional remainders,
ties going to the larger weight, then to the key first in sort order. The shares
therefore always add up to the total exactly. Negative weights count as zero.

One rule for the platform: billing spreads fixed costs over consumers with it, the
budget monitor phases an annual plan over its months with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from chargeback.money import EXACT, ZERO, minor_unit


def largest_remainder(
    total: Decimal, weights: Mapping[str, Decimal], currency: str
) -> dict[str, Decimal]:
    """`total` split in proportion to `weights`, in whole minor units, summing to `total`
    ({} when no weight is positive; ValueError if `total` is not whole minor units)."""
    places = minor_unit(currency)
    units = total.scaleb(places, EXACT)
    if units != units.to_integral_value():
        raise ValueError(f"{total} is not a whole number of {currency} minor units")
    positive = {k: max(w, ZERO) for k, w in weights.items()}
    weight_sum = sum((Fraction(w) for w in positive.values()), Fraction(0))
    if weight_sum == 0:
        return {}
    quotas = {k: Fraction(int(units)) * Fraction(w) / weight_sum for k, w in positive.items()}
    floors = {k: q.numerator // q.denominator for k, q in quotas.items()}
    left = int(units) - sum(floors.values())
    order = sorted(quotas, key=lambda k: (-(quotas[k] - floors[k]), -positive[k], k))
    for key in order[:left]:
        floors[key] += 1
    return {k: Decimal(n).scaleb(-places, EXACT) for k, n in sorted(floors.items())}
