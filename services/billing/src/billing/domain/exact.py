"""What the ledger can store exactly; sums use the shared exact context (chargeback.money)."""

from __future__ import annotations

from decimal import Decimal

from chargeback.money import EXACT, WIDE

__all__ = ["EXACT", "MAX_SCALE", "WIDE", "check_storable"]

# A storable value has at most this many digits after the point (the message contract
# already bounds significant digits, so integer digits need no check of their own).
MAX_SCALE = 40


class UnstorableValueError(ValueError):
    """A decimal too finely divided for the ledger to keep exactly."""


def check_storable(value: Decimal, *, field: str) -> Decimal:
    if not value.is_finite():
        raise UnstorableValueError(f"{field} must be finite")
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > MAX_SCALE:
        raise UnstorableValueError(f"{field} has more than {MAX_SCALE} decimal places")
    return value
