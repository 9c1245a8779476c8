"""Forecast spend by run rate: what the period ends at if spending goes on as so far.

forecast = spent * period length / elapsed part. Nothing is forecast before a
minimum share of the period has passed (a run rate over a few hours says little).
The threshold test is exact: spent * length >= level * elapsed, in whole
microseconds, so no quotient is ever rounded to decide an alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from budget_monitor.domain import exact
from budget_monitor.domain.periods import Window
from chargeback.money import EXACT, WIDE

DEFAULT_MIN_ELAPSED_PERCENT = Decimal(20)


def _micros(span: timedelta) -> Decimal:
    return Decimal((span.days * 86_400 + span.seconds) * 1_000_000 + span.microseconds)


@dataclass(frozen=True, slots=True)
class ForecastRule:
    """When forecasts count: at `now`, once `min_elapsed_percent` of a period has passed."""

    now: datetime
    min_elapsed_percent: Decimal = DEFAULT_MIN_ELAPSED_PERCENT

    def elapsed(self, window: Window) -> timedelta:
        """The part of `window` behind `now` (all of it once the period is over)."""
        return min(max(self.now, window.start), window.end) - window.start

    def available_from(self, window: Window) -> datetime:
        """The moment forecasts start for `window`."""
        share = _micros(window.length) * self.min_elapsed_percent / 100
        return window.start + timedelta(microseconds=int(share))

    def ready(self, window: Window) -> bool:
        elapsed = _micros(self.elapsed(window))
        needed = EXACT.multiply(_micros(window.length), self.min_elapsed_percent)
        return elapsed > 0 and EXACT.multiply(elapsed, Decimal(100)) >= needed

    def reaches(self, spent: Decimal, level: Decimal, window: Window) -> bool:
        """Whether the forecast of `spent` reaches `level` (False before it is ready)."""
        if not self.ready(window):
            return False
        left = EXACT.multiply(spent, _micros(window.length))
        return left >= EXACT.multiply(level, _micros(self.elapsed(window)))

    def amount(self, spent: Decimal, window: Window) -> Decimal | None:
        """The forecast for people to read, to 4 places (None before it is ready)."""
        if not self.ready(window):
            return None
        whole = WIDE.divide(
            EXACT.multiply(spent, _micros(window.length)), _micros(self.elapsed(window))
        )
        return whole.quantize(Decimal("0.0001"), ROUND_HALF_UP, WIDE)


def percent(part: Decimal, whole: Decimal) -> Decimal:
    return exact.percent_of(part, whole).quantize(Decimal("0.01"), ROUND_HALF_UP, WIDE)
