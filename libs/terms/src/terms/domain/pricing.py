"""Pricing models. Each prices the billable units a customer used in a billing period.

A model is a cumulative cost function `cost(total)`: what the first `total` billable units
of the period cost. An event that takes the period from `before` to `after` units costs
`cost(after) - cost(before)`, so the charges of a period always add up to the model's price
of the period's total, whatever the order and size of the events (tiers, blocks, volume).
`explain(before, after)` gives the same difference as rule effects (one per tier touched).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, Inexact, InvalidOperation, Overflow
from typing import Protocol

from chargeback import money
from chargeback.contracts import RuleEffect
from chargeback.contracts.types import MAX_DECIMAL_CHARS, MAX_DECIMAL_DIGITS
from terms.domain.errors import AmountOutOfRange

ZERO = Decimal(0)


def plain(value: Decimal) -> str:
    """A decimal as people write it (no exponent)."""
    return format(value, "f")


def on_the_wire(value: Decimal, what: str) -> Decimal:
    """`value`, if a message can carry it exactly; refused (never rounded) otherwise."""
    shape = value.as_tuple()
    if len(shape.digits) <= MAX_DECIMAL_DIGITS and -60 <= int(shape.exponent) <= 0:
        return value  # at most 38 digits, and at most 63 characters written out
    written = plain(value)
    if "." in written:  # trailing zeros of the fraction carry no digit: drop them, exactly
        written = written.rstrip("0").rstrip(".")
    digits = len(written.lstrip("-").replace(".", "").lstrip("0"))
    if digits > MAX_DECIMAL_DIGITS or len(written) > MAX_DECIMAL_CHARS:
        raise AmountOutOfRange(
            f"{what}: {written[:80]} has more than {MAX_DECIMAL_DIGITS} significant digits",
            field="data.quantity",
        )
    return Decimal(written)


def effect(rule: str, detail: str, delta: Decimal) -> RuleEffect:
    """One step of a price; an amount too long for a message is refused as a rating error."""
    return RuleEffect(rule=rule[:128], detail=detail[:512], amount_delta=on_the_wire(delta, rule))


def exact_product(left: Decimal, right: Decimal) -> Decimal:
    """left × right with no rounding; a product too long to carry is refused, not rounded."""
    try:
        return money.exact_product(left, right)
    except (Inexact, Overflow):
        raise AmountOutOfRange(
            f"{left} × {right} cannot be computed exactly", field="data.quantity"
        ) from None


def exact_difference(left: Decimal, right: Decimal) -> Decimal:
    try:
        return money.EXACT.subtract(left, right)
    except (Inexact, Overflow):
        raise AmountOutOfRange(f"{left} - {right} cannot be computed exactly") from None


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """amount × percent / 100, exactly (dividing by 100 only moves the decimal point)."""
    return money.EXACT.scaleb(exact_product(amount, percent), Decimal(-2))


def negated(value: Decimal) -> Decimal:
    return money.EXACT.minus(value)


class PricingModel(Protocol):
    def cost(self, total: Decimal) -> Decimal: ...

    def explain(self, before: Decimal, after: Decimal, unit: str) -> list[RuleEffect]: ...

    def marginal_price(self, total: Decimal) -> Decimal: ...


@dataclass(frozen=True, slots=True)
class PerUnit:
    """Every unit at one price."""

    unit_price: Decimal

    def cost(self, total: Decimal) -> Decimal:
        return exact_product(total, self.unit_price)

    def explain(self, before: Decimal, after: Decimal, unit: str) -> list[RuleEffect]:
        quantity = exact_difference(after, before)
        amount = exact_product(quantity, self.unit_price)
        detail = f"{plain(quantity)} {unit} × {plain(self.unit_price)}"
        return [effect("base", detail, amount)]

    def marginal_price(self, total: Decimal) -> Decimal:
        return self.unit_price


@dataclass(frozen=True, slots=True)
class Package:
    """Units sold in whole blocks of `size`: a started block is paid in full (rounded up)."""

    size: Decimal
    block_price: Decimal

    def blocks(self, total: Decimal) -> Decimal:
        try:
            whole, rest = money.EXACT.divmod(total, self.size)
        except (Inexact, InvalidOperation, Overflow):
            raise AmountOutOfRange(f"{total} / {self.size} blocks is out of range") from None
        return money.EXACT.add(whole, 1) if rest > 0 else whole

    def cost(self, total: Decimal) -> Decimal:
        return exact_product(self.blocks(total), self.block_price)

    def explain(self, before: Decimal, after: Decimal, unit: str) -> list[RuleEffect]:
        started = exact_difference(self.blocks(after), self.blocks(before))
        detail = (
            f"{plain(started)} new block(s) of {plain(self.size)} {unit} × "
            f"{plain(self.block_price)}; {plain(after)} billable {unit} this period = "
            f"{plain(self.blocks(after))} block(s), rounded up"
        )
        amount = exact_product(started, self.block_price)
        return [effect("package", detail, amount)]

    def marginal_price(self, total: Decimal) -> Decimal:
        return self.block_price


@dataclass(frozen=True, slots=True)
class Percentage:
    """A share of a monetary quantity (the event's quantity is an amount in the book's currency)."""

    percent: Decimal

    def cost(self, total: Decimal) -> Decimal:
        return percent_of(total, self.percent)

    def explain(self, before: Decimal, after: Decimal, unit: str) -> list[RuleEffect]:
        base = exact_difference(after, before)
        detail = f"{plain(self.percent)} % of {plain(base)} {unit}"
        return [effect("percentage", detail, self.cost(base))]

    def marginal_price(self, total: Decimal) -> Decimal:
        return money.EXACT.scaleb(self.percent, Decimal(-2))
