"""Demand rules: prices that move with when and how a service is used.

Each rule adjusts the base price (the pricing model's amount) by a signed percentage:
a time-of-use window (off-peak discount, peak surcharge), an over-commitment penalty
(on the units above the customer's committed quantity), a dimension modifier (e.g.
`priority=batch` −30 %). See `charging` for the order they are applied in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_A_DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class Scope:
    """The meters a rule applies to: `service` or `service/meter` names; empty: every meter."""

    targets: frozenset[str] = frozenset()

    def covers(self, service: str, meter: str) -> bool:
        return not self.targets or service in self.targets or f"{service}/{meter}" in self.targets


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, slots=True)
class TimeOfUseWindow:
    """Local wall-clock hours [start, end) on some weekdays, in a named IANA time zone.

    A window whose end is before its start runs past midnight: its hours after midnight
    belong to the day it started on. Wall-clock time decides, so across a DST change a
    window keeps its local hours (an hour skipped in spring never matches).
    """

    name: str
    zone: ZoneInfo
    days: frozenset[int]  # 0 = Monday
    start: int  # minutes after local midnight
    end: int  # 1..1440
    adjust_percent: Decimal
    scope: Scope = field(default_factory=Scope)
    description: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        days = ",".join(DAYS[day] for day in sorted(self.days))
        label = f"{days} {clock(self.start)}–{clock(self.end)} {self.zone.key}"
        object.__setattr__(self, "description", label)  # computed once, shown on every charge

    def matches(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        minute, day = local.hour * 60 + local.minute, local.weekday()
        if self.start < self.end:
            return day in self.days and self.start <= minute < self.end
        return (day in self.days and minute >= self.start) or (
            (day - 1) % 7 in self.days and minute < self.end
        )


@dataclass(frozen=True, slots=True)
class DimensionModifier:
    """An adjustment for events whose dimension `dimension` equals `equals`."""

    dimension: str
    equals: str
    adjust_percent: Decimal
    scope: Scope = field(default_factory=Scope)

    def matches(self, dimensions: Mapping[str, str]) -> bool:
        return dimensions.get(self.dimension) == self.equals


@dataclass(frozen=True, slots=True)
class OverCommitment:
    """A surcharge on the base price of the units above the customer's committed quantity."""

    surcharge_percent: Decimal
    scope: Scope = field(default_factory=Scope)


@dataclass(frozen=True, slots=True)
class DemandRules:
    time_of_use: tuple[TimeOfUseWindow, ...] = ()
    over_commitment: OverCommitment | None = None
    dimension_modifiers: tuple[DimensionModifier, ...] = ()


def signed(percent: Decimal) -> str:
    return f"+{percent}" if percent >= 0 else str(percent)
