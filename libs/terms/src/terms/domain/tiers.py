"""Tiered pricing over the billable units of a billing period.

Tier `n` covers the period's units above the previous tier's `up_to` up to its own `up_to`
(inclusive); the last tier has no `up_to`. Graduated: each unit at the price of the tier it
falls in. Volume: every unit of the period at the price of the tier the period's total
reached, so an event that moves the total into a cheaper tier re-prices the units charged
before it (its amount is then the difference, possibly negative: a credit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from chargeback.contracts import RuleEffect
from chargeback.money import exact_sum
from terms.domain.pricing import ZERO, effect, exact_difference, exact_product, plain


@dataclass(frozen=True, slots=True)
class Tier:
    up_to: Decimal | None  # None: no upper bound (the last tier)
    price: Decimal


def tier_index(tiers: Sequence[Tier], total: Decimal) -> int:
    """The tier that `total` units reach (0-based); a bound belongs to the tier it ends."""
    for index, tier in enumerate(tiers):
        if tier.up_to is None or total <= tier.up_to:
            return index
    return len(tiers) - 1


def tier_label(tiers: Sequence[Tier], index: int, unit: str) -> str:
    low = (tiers[index - 1].up_to if index else None) or ZERO
    high = tiers[index].up_to
    span = f"above {plain(low)}" if high is None else f"{plain(low)}–{plain(high)}"
    return f"tier {index + 1} ({span} {unit})"


@dataclass(frozen=True, slots=True)
class Graduated:
    tiers: tuple[Tier, ...]

    def _segments(self, before: Decimal, after: Decimal) -> list[tuple[int, Decimal]]:
        """(tier index, units of [before, after) inside that tier), in order."""
        segments: list[tuple[int, Decimal]] = []
        low = ZERO
        for index, tier in enumerate(self.tiers):
            high = tier.up_to
            start = max(before, low)
            end = after if high is None else min(after, high)
            if end > start:
                segments.append((index, exact_difference(end, start)))
            if high is None or after <= high:
                break
            low = high
        return segments

    def cost(self, total: Decimal) -> Decimal:
        segments = self._segments(ZERO, total)
        return exact_sum(exact_product(units, self.tiers[i].price) for i, units in segments)

    def explain(self, before: Decimal, after: Decimal, unit: str) -> list[RuleEffect]:
        segments = self._segments(before, after) or [(tier_index(self.tiers, after), ZERO)]
        return [
            effect(
                f"graduated {tier_label(self.tiers, index, unit)}",
                f"{plain(units)} {unit} × {plain(self.tiers[index].price)}",
                exact_product(units, self.tiers[index].price),
            )
            for index, units in segments
        ]

    def marginal_price(self, total: Decimal) -> Decimal:
        return self.tiers[tier_index(self.tiers, total)].price


@dataclass(frozen=True, slots=True)
class Volume:
    tiers: tuple[Tier, ...]

    def cost(self, total: Decimal) -> Decimal:
        return exact_product(total, self.marginal_price(total))

    def explain(self, before: Decimal, after: Decimal, unit: str) -> list[RuleEffect]:
        reached, earlier = tier_index(self.tiers, after), tier_index(self.tiers, before)
        price, label = self.tiers[reached].price, tier_label(self.tiers, reached, unit)
        if reached == earlier or before == 0:
            detail = f"{plain(exact_difference(after, before))} {unit} × {plain(price)}"
        else:
            detail = (
                f"period total {plain(after)} {unit} × {plain(price)}, less "
                f"{plain(before)} × {plain(self.tiers[earlier].price)} charged before"
            )
        amount = exact_difference(self.cost(after), self.cost(before))
        return [effect(f"volume {label}", detail, amount)]

    def marginal_price(self, total: Decimal) -> Decimal:
        return self.tiers[tier_index(self.tiers, total)].price
