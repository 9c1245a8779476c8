"""Money: an exact decimal amount in one ISO 4217 currency.

Rated amounts keep full precision. Invoice lines are rounded once, by
`Money.rounded()`: to the currency's minor unit, half away from zero
(ROUND_HALF_UP), the rule most invoicing systems and readers expect.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)

# Minor-unit exponents (ISO 4217) of the currencies the platform accepts.
# fmt: off
MINOR_UNITS: dict[str, int] = {
    "AUD": 2, "BRL": 2, "CAD": 2, "CHF": 2, "CNY": 2, "CZK": 2, "DKK": 2, "EUR": 2,
    "GBP": 2, "HKD": 2, "INR": 2, "JPY": 0, "KRW": 0, "MXN": 2, "NOK": 2, "NZD": 2,
    "PLN": 2, "SEK": 2, "SGD": 2, "USD": 2, "ZAR": 2, "BHD": 3, "KWD": 3, "CLP": 0,
}
# fmt: on
ROUNDING = ROUND_HALF_UP
# The wire form of a decimal: ASCII digits, optional sign and exponent; nothing else.
DECIMAL_STRING = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")


# Sums and products of amounts never round: the default context keeps 28 digits and
# rounds silently, fewer than one full-precision amount plus a tiny one needs. EXACT is
# wide enough for any amount a message can carry and raises (Inexact) rather than round.
PRECISION = 400
EXACT = Context(
    prec=PRECISION,
    rounding=ROUNDING,
    traps=[InvalidOperation, DivisionByZero, Overflow, Inexact],
)
# Where rounding is the point (Money.rounded), only the quantize decides what is dropped.
WIDE = Context(prec=PRECISION, rounding=ROUNDING, traps=[InvalidOperation, DivisionByZero])
ZERO = Decimal(0)


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    total = ZERO
    for value in values:
        total = EXACT.add(total, value)
    return total


def exact_product(left: Decimal, right: Decimal) -> Decimal:
    return EXACT.multiply(left, right)


class MoneyError(ValueError):
    """An amount or currency that money cannot be made of."""


class CurrencyMismatchError(MoneyError):
    """Arithmetic between amounts of different currencies."""


def parse_decimal(value: object, *, field: str = "amount") -> Decimal:
    """An exact Decimal from a decimal string, int or Decimal; floats are refused."""
    if isinstance(value, (bool, float)):
        raise MoneyError(f"{field} must be a decimal string or integer, not {type(value).__name__}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        if not DECIMAL_STRING.fullmatch(value):
            raise MoneyError(f"{field} is not a decimal number: {value[:40]!r}")
        result = Decimal(value)
    else:
        raise MoneyError(f"{field} must be a decimal string or integer")
    if not result.is_finite():
        raise MoneyError(f"{field} must be finite")
    return abs(result) if result.is_zero() else result  # no negative zero


def minor_unit(currency: str) -> int:
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise MoneyError(f"unsupported currency {currency!r}") from None


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        minor_unit(self.currency)
        if not isinstance(self.amount, Decimal) or not self.amount.is_finite():
            raise MoneyError("amount must be a finite Decimal")

    @classmethod
    def of(cls, amount: object, currency: str) -> Money:
        return cls(parse_decimal(amount), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(f"{self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(EXACT.add(self.amount, other.amount), self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(EXACT.subtract(self.amount, other.amount), self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, float | bool):
            raise MoneyError("money is multiplied by Decimal or int only")
        return Money(EXACT.multiply(self.amount, Decimal(factor)), self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def rounded(self) -> Money:
        """This amount rounded to the currency's minor unit (the one rounding rule)."""
        exponent = Decimal(1).scaleb(-minor_unit(self.currency))
        return Money(self.amount.quantize(exponent, rounding=ROUNDING, context=WIDE), self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
