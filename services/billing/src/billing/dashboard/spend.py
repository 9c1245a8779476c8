"""A period's spend for the dashboard: exact sums by customer, service and day, and a
run-rate forecast to the period's end. Pure: charge rows in, figures out.

Sums stay exact (`exact_sum`); the API rounds each figure once, for display, with
`Money.rounded()`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from billing.dashboard.forecast import DEFAULT_MIN_ELAPSED_PERCENT, Forecast, run_rate_forecast
from chargeback.money import exact_sum


@dataclass(frozen=True, slots=True)
class SpendRow:
    customer: str
    service: str
    day: date  # the charge's day in its customer's time zone
    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class Share:
    key: str
    exact: Decimal
    charges: int


@dataclass(frozen=True, slots=True)
class DailySpend:
    day: date
    exact: Decimal
    cumulative: Decimal
    charges: int


@dataclass(frozen=True, slots=True)
class Spend:
    currency: str
    currencies: tuple[str, ...]  # every currency the period has charges in
    exact_total: Decimal
    charges: int
    by_customer: tuple[Share, ...]  # largest first
    by_service: tuple[Share, ...]
    daily: tuple[DailySpend, ...]  # every day of the period, in order
    forecast: Forecast


class SpendTally:
    """Running exact sums per currency, customer, service and day, fed one row at a time."""

    def __init__(self) -> None:
        self._sums: dict[tuple[str, str, str, date], Decimal] = {}
        self._counts: Counter[tuple[str, str, str, date]] = Counter()

    def add(self, row: SpendRow) -> None:
        key = (row.currency, row.customer, row.service, row.day)
        self._sums[key] = exact_sum((self._sums.get(key, Decimal(0)), row.amount))
        self._counts[key] += 1

    def currencies(self) -> Counter[str]:
        found: Counter[str] = Counter()
        for key, count in self._counts.items():
            found[key[0]] += count
        return found

    def spend(
        self,
        *,
        currency: str | None,
        default_currency: str,
        days: list[date],
        window: tuple[datetime, datetime],
        now: datetime,
        min_elapsed_percent: Decimal = DEFAULT_MIN_ELAPSED_PERCENT,
    ) -> Spend:
        """The figures in `currency` (None: the default one if charged in, else the most used)."""
        used = self.currencies()
        chosen = currency or _pick(used, default_currency)
        keys = [k for k in self._sums if k[0] == chosen]
        total = exact_sum(self._sums[k] for k in keys)
        daily, running = [], Decimal(0)
        for day in days:
            amount, count = self._group(keys, 3, day)
            running = exact_sum((running, amount))
            daily.append(DailySpend(day, amount, running, count))
        return Spend(
            currency=chosen,
            currencies=tuple(sorted(used)),
            exact_total=total,
            charges=sum(self._counts[k] for k in keys),
            by_customer=self._shares(keys, 1),
            by_service=self._shares(keys, 2),
            daily=tuple(daily),
            forecast=run_rate_forecast(total, *window, now, min_elapsed_percent),
        )

    def _group(
        self, keys: list[tuple[str, str, str, date]], at: int, value: object
    ) -> tuple[Decimal, int]:
        hits = [k for k in keys if k[at] == value]
        return exact_sum(self._sums[k] for k in hits), sum(self._counts[k] for k in hits)

    def _shares(self, keys: list[tuple[str, str, str, date]], at: int) -> tuple[Share, ...]:
        names = sorted({str(k[at]) for k in keys})
        shares = [Share(name, *self._group(keys, at, name)) for name in names]
        return tuple(sorted(shares, key=lambda s: (-s.exact, s.key)))


def _pick(used: Counter[str], default_currency: str) -> str:
    if not used or default_currency in used:
        return default_currency
    return sorted(used.items(), key=lambda item: (-item[1], item[0]))[0][0]


def days_of(start: date, end: date) -> list[date]:
    """Every date from `start` up to, not including, `end`."""
    return [start + timedelta(days=n) for n in range((end - start).days)]
