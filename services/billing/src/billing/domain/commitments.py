"""Lines computed at period close: minimum-commitment shortfalls and volume-tier true-ups.

Both are pure functions of the period's usage (per service and meter, exact) and
the commitment (read from the price book by `commitment_config`).
A shortfall line charges what was committed but not used. A volume true-up prices
the period's whole quantity at the tier that quantity reaches and books the
difference from what the per-event charges already billed (negative: a credit).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from chargeback.money import EXACT, ZERO

CloseKind = Literal["commitment_shortfall", "volume_true_up"]


@dataclass(frozen=True, slots=True)
class Tier:
    up_to: Decimal | None  # None: no upper bound (the last tier)
    price: Decimal


@dataclass(frozen=True, slots=True)
class Commitment:
    service: str
    meter: str | None = None
    minimum_amount: Decimal | None = None
    minimum_quantity: Decimal | None = None
    unit_price: Decimal | None = None
    volume_tiers: tuple[Tier, ...] = ()


@dataclass(frozen=True, slots=True)
class UsageTotal:
    """What a customer used of one meter in the period (exact sums of its charges)."""

    service: str
    meter: str
    unit: str
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class CloseLine:
    kind: CloseKind
    service: str
    meter: str
    unit: str
    quantity: Decimal
    amount: Decimal  # exact; rounded once on the document like every line
    description: str


def _used(usage: Iterable[UsageTotal], c: Commitment) -> list[UsageTotal]:
    return [u for u in usage if u.service == c.service and c.meter in (None, u.meter)]


def shortfall(c: Commitment, usage: Sequence[UsageTotal]) -> CloseLine | None:
    """The committed-but-unused charge, or None when usage met the commitment."""
    used = _used(usage, c)
    meter = c.meter or "*"
    unit = used[0].unit if c.meter and used else ("commitment" if c.meter is None else "unit")
    if c.minimum_amount is not None:
        spent = sum_exact(u.amount for u in used)
        missing = EXACT.subtract(c.minimum_amount, spent)
        if missing <= 0:
            return None
        text = f"minimum spend {c.minimum_amount} on {c.service}, used {spent}"
        return CloseLine("commitment_shortfall", c.service, meter, unit, Decimal(1), missing, text)
    if c.minimum_quantity is not None and c.unit_price is not None:
        quantity = sum_exact(u.quantity for u in used)
        missing = EXACT.subtract(c.minimum_quantity, quantity)
        if missing <= 0:
            return None
        amount = EXACT.multiply(missing, c.unit_price)
        text = f"committed {c.minimum_quantity} {unit} of {c.service}/{meter}, used {quantity}"
        return CloseLine("commitment_shortfall", c.service, meter, unit, missing, amount, text)
    return None


def tier_price(tiers: Sequence[Tier], quantity: Decimal) -> Decimal:
    """The price of every unit when the period's total is `quantity` (volume pricing)."""
    for tier in tiers:
        if tier.up_to is None or quantity <= tier.up_to:
            return tier.price
    return tiers[-1].price


def volume_true_up(c: Commitment, usage: Sequence[UsageTotal]) -> CloseLine | None:
    """Whole-period volume price minus what was billed per event; None if nothing differs."""
    if not c.volume_tiers:
        return None
    used = _used(usage, c)
    quantity = sum_exact(u.quantity for u in used)
    billed = sum_exact(u.amount for u in used)
    price = tier_price(c.volume_tiers, quantity)
    delta = EXACT.subtract(EXACT.multiply(quantity, price), billed)
    if delta.is_zero():
        return None
    unit = used[0].unit if used else "unit"
    text = f"volume tier: {quantity} {unit} at {price} each, billed {billed} per event"
    return CloseLine("volume_true_up", c.service, c.meter or "*", unit, quantity, delta, text)


def close_lines(commitments: Iterable[Commitment], usage: Sequence[UsageTotal]) -> list[CloseLine]:
    """Every period-close line the commitments produce, in commitment order."""
    lines: list[CloseLine] = []
    for c in commitments:
        for line in (shortfall(c, usage), volume_true_up(c, usage)):
            if line is not None:
                lines.append(line)
    return lines


def sum_exact(values: Iterable[Decimal]) -> Decimal:
    total = ZERO
    for value in values:
        total = EXACT.add(total, value)
    return total
