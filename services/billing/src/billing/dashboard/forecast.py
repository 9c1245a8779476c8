"""Run-rate forecast: what a period ends at if spending goes on as so far.

forecast = spent * period length / elapsed part, as the budget monitor makes it, and
only once a minimum share of the period has passed (a run rate over a few hours says
little). Times are counted in whole microseconds, so only the one division rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from chargeback.money import EXACT, WIDE

DEFAULT_MIN_ELAPSED_PERCENT = Decimal(20)


@dataclass(frozen=True, slots=True)
class Forecast:
    exact: Decimal | None  # None until `available_from`
    elapsed_percent: Decimal
    available_from: datetime


def _micros(span: timedelta) -> int:
    return (span.days * 86_400 + span.seconds) * 1_000_000 + span.microseconds


def run_rate_forecast(
    spent: Decimal,
    start: datetime,
    end: datetime,
    now: datetime,
    min_elapsed_percent: Decimal = DEFAULT_MIN_ELAPSED_PERCENT,
) -> Forecast:
    """What the period ends at if spending goes on as so far (the total, once it is over)."""
    length = _micros(end - start)
    elapsed = _micros(min(max(now, start), end) - start)
    percent = WIDE.divide(EXACT.multiply(Decimal(elapsed), Decimal(100)), Decimal(length))
    available_from = start + timedelta(microseconds=int(length * min_elapsed_percent / 100))
    if elapsed == 0 or percent < min_elapsed_percent:
        return Forecast(None, percent, available_from)
    whole = WIDE.divide(EXACT.multiply(spent, Decimal(length)), Decimal(elapsed))
    return Forecast(whole, percent, available_from)
