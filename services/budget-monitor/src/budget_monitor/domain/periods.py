"""Budget periods: which period a moment falls in, as a stable key, and its bounds.

Calendar periods (monthly '2026-11', quarterly '2026-Q4', annual '2026') are cut
at local midnight in the budget's time zone, so a Paris budget's November starts
at 2026-10-31T23:00Z. A custom period is one window [start, end) with its key
'2026-11-05/2027-02-04'. Bounds are returned in UTC; times are stored in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from budget_monitor.domain.errors import BudgetError
from terms.domain.periods import FIRST_YEAR, LAST_YEAR

CALENDAR_KINDS = {"monthly": 1, "quarterly": 3, "annual": 12}  # months in a period
KINDS = (*CALENDAR_KINDS, "custom")
_KEY_FORMS = {
    "monthly": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarterly": re.compile(r"^(\d{4})-Q([1-4])$"),
    "annual": re.compile(r"^(\d{4})$"),
}


@dataclass(frozen=True, slots=True)
class Window:
    """A period's bounds in UTC: start included, end excluded."""

    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start


class PeriodRule(Protocol):
    """Cuts time into budget periods."""

    @property
    def name(self) -> str: ...

    @property
    def time_zone(self) -> str: ...

    def key_for(self, moment: datetime) -> str | None:
        """The key of the period `moment` falls in (None: in no period of this rule)."""
        ...

    def is_key(self, key: str) -> bool:
        """Whether `key` names a period of this rule."""
        ...

    def window(self, key: str) -> Window:
        """The bounds of the period `key` (BudgetError if it is not one of this rule's)."""
        ...

    def shown_key(self, moment: datetime) -> str:
        """The period to show at `moment`: the one it is in, else the nearest."""
        ...


def zone(name: str) -> ZoneInfo:
    """An IANA time zone; BudgetError names it if unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BudgetError(
            f"unknown time zone {name[:64]!r} (an IANA name, e.g. Europe/Paris)"
        ) from None


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise BudgetError("a moment without a time zone has no budget period")
    return moment


@dataclass(frozen=True, slots=True)
class CalendarPeriod:
    """Months, quarters or years, cut at local midnight on their first day."""

    name: str = "monthly"
    time_zone: str = "UTC"

    def __post_init__(self) -> None:
        if self.name not in CALENDAR_KINDS:
            raise BudgetError(f"unknown period {self.name!r}; one of: {', '.join(KINDS)}")
        zone(self.time_zone)

    def key_for(self, moment: datetime) -> str | None:
        try:
            local = _aware(moment).astimezone(zone(self.time_zone))
        except OverflowError:  # beyond the calendar in this zone: in no period
            return None
        if not FIRST_YEAR <= local.year <= LAST_YEAR:
            return None
        if self.name == "monthly":
            return f"{local.year:04d}-{local.month:02d}"
        if self.name == "quarterly":
            return f"{local.year:04d}-Q{(local.month - 1) // 3 + 1}"
        return f"{local.year:04d}"

    def is_key(self, key: str) -> bool:
        return bool(_KEY_FORMS[self.name].match(key))

    def shown_key(self, moment: datetime) -> str:
        key = self.key_for(moment)
        if key is None:
            raise BudgetError(f"{moment.isoformat()} is outside the calendar")
        return key

    def window(self, key: str) -> Window:
        found = _KEY_FORMS[self.name].match(key)
        if not found:
            raise BudgetError(f"{key[:32]!r} is not a {self.name} period (e.g. {self.example})")
        year = int(found.group(1))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise BudgetError(f"periods run from {FIRST_YEAR} to {LAST_YEAR}, got {key[:32]!r}")
        first = 1 if self.name == "annual" else int(found.group(2))
        if self.name == "quarterly":
            first = (first - 1) * 3 + 1
        months = year * 12 + first - 1 + CALENDAR_KINDS[self.name]
        return Window(self._midnight(year, first), self._midnight(months // 12, months % 12 + 1))

    def _midnight(self, year: int, month: int) -> datetime:
        # A midnight that a DST jump skips resolves to the jump's instant (fold=0).
        return datetime(year, month, 1, tzinfo=zone(self.time_zone)).astimezone(UTC)

    @property
    def example(self) -> str:
        return {"monthly": "2026-11", "quarterly": "2026-Q4", "annual": "2026"}[self.name]


@dataclass(frozen=True, slots=True)
class CustomPeriod:
    """One window, [start, end), given in UTC."""

    start: datetime
    end: datetime
    time_zone: str = "UTC"
    name: str = "custom"

    def __post_init__(self) -> None:
        if _aware(self.start) >= _aware(self.end):
            raise BudgetError("period_end must be after period_start")
        zone(self.time_zone)
        object.__setattr__(self, "start", self.start.astimezone(UTC))
        object.__setattr__(self, "end", self.end.astimezone(UTC))

    @property
    def key(self) -> str:
        tz = zone(self.time_zone)
        return f"{self.start.astimezone(tz):%Y-%m-%d}/{self.end.astimezone(tz):%Y-%m-%d}"

    def key_for(self, moment: datetime) -> str | None:
        return self.key if self.start <= _aware(moment) < self.end else None

    def is_key(self, key: str) -> bool:
        return key == self.key

    def shown_key(self, moment: datetime) -> str:
        return self.key

    def window(self, key: str) -> Window:
        if key != self.key:
            raise BudgetError(f"{key[:32]!r} is not this budget's period ({self.key})")
        return Window(self.start, self.end)


def MonthlyUtc() -> CalendarPeriod:
    return CalendarPeriod("monthly", "UTC")


def period_rule(name: str, time_zone: str = "UTC") -> CalendarPeriod:
    """A calendar period rule by name (custom periods are built with their bounds)."""
    if name not in CALENDAR_KINDS:
        raise BudgetError(f"unknown period {name!r}; one of: {', '.join(KINDS)}")
    return CalendarPeriod(name, time_zone)
