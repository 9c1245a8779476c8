"""Spend arithmetic on the shared exact context: sums never round, and say so if one would."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from chargeback.money import EXACT, WIDE, ZERO, exact_sum

__all__ = ["ZERO", "add", "level", "percent_of", "total"]


def add(*values: Decimal) -> Decimal:
    return exact_sum(values)


def total(values: Iterable[Decimal]) -> Decimal:
    return exact_sum(values)


def percent_of(part: Decimal, whole: Decimal) -> Decimal:
    """`part` as a percentage of `whole`, for display: a quotient may not terminate, so this
    one operation rounds (at 400 digits); threshold checks use `level`, which is exact."""
    return WIDE.divide(EXACT.multiply(part, Decimal(100)), whole) if whole else ZERO


def level(amount: Decimal, percent: Decimal) -> Decimal:
    """The spend at which `percent` % of `amount` is reached, exact."""
    return EXACT.multiply(amount, percent).scaleb(-2, EXACT)
