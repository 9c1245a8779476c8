"""Billing periods: calendar months, named 'YYYY-MM', cut in the customer's time zone.

Times are stored in UTC; a period's bounds are the first instants of its month and of
the next one in the zone, converted to UTC (so a month in New York starts at 04:00 or
05:00 UTC). Without a zone a period is the UTC month.

The platform's calendar is bounded: periods run from FIRST to LAST. A time or a period
name outside it is refused with `InvalidPeriodError` (a ValueError), never an overflow
deep inside date arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from chargeback.contracts.types import PERIOD_PATTERN

_PERIOD = re.compile(r"([0-9]{4})-([0-9]{2})")
FIRST_YEAR, LAST_YEAR = 2000, 2999
PATTERN = PERIOD_PATTERN  # for API schemas: the calendar's months, as `Period.parse` checks


class InvalidPeriodError(ValueError):
    """A period name that is not a calendar month written YYYY-MM, or outside the calendar."""


@dataclass(frozen=True, order=True, slots=True)
class Period:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise InvalidPeriodError(f"month must be 01 to 12, got {self.month:02d}")
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise InvalidPeriodError(
                f"periods run from {FIRST_YEAR}-01 to {LAST_YEAR}-12, got year {self.year}"
            )

    @classmethod
    def parse(cls, text: str) -> Period:
        """The period named by `text` ('2024-05'); InvalidPeriodError with the reason if not."""
        match = _PERIOD.fullmatch(text)
        if match is None:
            raise InvalidPeriodError(f"period must be YYYY-MM (e.g. 2024-05), got {text[:20]!r}")
        try:
            return cls(int(match.group(1)), int(match.group(2)))
        except InvalidPeriodError as exc:
            raise InvalidPeriodError(f"period {text!r} is not a month: {exc}") from None

    @classmethod
    def of(cls, moment: datetime, zone: tzinfo = UTC) -> Period:
        """The period an instant belongs to in `zone`; naive datetimes are refused."""
        if moment.tzinfo is None:
            raise ValueError("a period is cut from an aware datetime, got a naive one")
        try:
            local = moment.astimezone(zone)
        except OverflowError:  # e.g. 9999-12-31T20:00Z is already year 10000 in Tokyo
            raise InvalidPeriodError(f"{moment.isoformat()} is outside the calendar") from None
        return cls(local.year, local.month)

    def start_in(self, zone: tzinfo) -> datetime:
        """The first instant of the period in `zone`, as a UTC datetime."""
        return datetime(self.year, self.month, 1, tzinfo=zone).astimezone(UTC)

    def end_in(self, zone: tzinfo) -> datetime:
        """The first instant after the period in `zone` (exclusive bound), in UTC."""
        following = self.year + self.month // 12, self.month % 12 + 1
        return datetime(*following, 1, tzinfo=zone).astimezone(UTC)

    @property
    def start(self) -> datetime:
        return self.start_in(UTC)

    @property
    def end(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return self.end_in(UTC)

    def next(self) -> Period:
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Period:
        return Period(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
