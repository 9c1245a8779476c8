"""Plan against actual against forecast, per month and year to date, and the outturn.

- actual: the ledger's spend in each billing period through `through` (month to date for
  the last);
- variance = actual - plan (above zero: spent more than planned); variance % = variance /
  plan x 100, to two places (none where the plan is zero);
- forecast of each month after `through`: seasonal when last year has actuals for both
  the months gone and the months left (last year's month x this year's actuals so far /
  last year's over the same months), else the run rate (actuals so far / months gone);
  each rounded half up to the minor unit;
- outturn = actuals so far + the forecast of the months left;
- drivers: the customers and services whose spend so far moved most against last year's
  same months, largest change first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from chargeback.money import EXACT, WIDE, ZERO, Money, exact_sum

DRIVERS = 5


@dataclass(frozen=True, slots=True)
class Line:
    period: str  # a month, "year_to_date" or "full_year"
    plan: Decimal
    actual: Decimal | None  # None: a month after `through`
    forecast: Decimal | None  # None: a month through `through`
    variance: Decimal | None
    variance_percent: Decimal | None
    last_year: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Driver:
    key: str
    actual: Decimal
    last_year: Decimal
    change: Decimal


@dataclass(frozen=True, slots=True)
class Variance:
    through: str
    forecast_method: str  # seasonal or run_rate
    months: tuple[Line, ...]
    year_to_date: Line
    full_year: Line  # actual: so far; forecast: months left; variance: outturn - plan
    outturn: Decimal
    by_customer: tuple[Driver, ...]
    by_service: tuple[Driver, ...]


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole == 0:
        return None
    return WIDE.divide(EXACT.multiply(part, Decimal(100)), whole).quantize(
        Decimal("0.01"), ROUND_HALF_UP, WIDE
    )


def _line(period: str, plan: Decimal, actual: Decimal, last_year: Decimal = ZERO) -> Line:
    gap = EXACT.subtract(actual, plan)
    return Line(period, plan, actual, None, gap, percent(gap, plan), last_year)


def variance(
    plan: Mapping[str, Decimal],
    through: Sequence[str],
    actual: Mapping[str, Decimal],
    last_year: Mapping[str, Decimal],
    currency: str,
    detail: Sequence[tuple[str, str, str, Decimal]] = (),
    last_detail: Sequence[tuple[str, str, str, Decimal]] = (),
) -> Variance:
    """`plan`: the year's months; `through`: the months gone; `actual`, `last_year`: spend
    by plan month; `detail`, `last_detail`: (month, customer, service, amount) so far."""
    gone, left = list(through), [m for m in plan if m not in through]
    so_far = exact_sum(actual.get(m, ZERO) for m in gone)
    before = exact_sum(last_year.get(m, ZERO) for m in gone)
    seasonal = before > 0 and exact_sum(last_year.get(m, ZERO) for m in left) > 0
    lines = [_line(m, plan[m], actual.get(m, ZERO), last_year.get(m, ZERO)) for m in gone]
    forecasts = {}
    for m in left:
        if seasonal:
            guess = WIDE.divide(EXACT.multiply(last_year.get(m, ZERO), so_far), before)
        else:
            guess = WIDE.divide(so_far, Decimal(len(gone)))
        forecasts[m] = Money(guess, currency).rounded().amount
        lines.append(Line(m, plan[m], None, forecasts[m], None, None, last_year.get(m, ZERO)))
    annual = exact_sum(plan.values())
    outturn = exact_sum((so_far, *forecasts.values()))
    gap = EXACT.subtract(outturn, annual)
    return Variance(
        through=gone[-1],
        forecast_method="seasonal" if seasonal else "run_rate",
        months=tuple(lines),
        year_to_date=_line("year_to_date", exact_sum(plan[m] for m in gone), so_far, before),
        full_year=Line(
            "full_year", annual, so_far, exact_sum(forecasts.values()), gap, percent(gap, annual)
        ),
        outturn=outturn,
        by_customer=drivers(detail, last_detail, 1),
        by_service=drivers(detail, last_detail, 2),
    )


def drivers(
    now: Sequence[tuple[str, str, str, Decimal]],
    then: Sequence[tuple[str, str, str, Decimal]],
    at: int,
) -> tuple[Driver, ...]:
    """Spend so far by customer (`at`=1) or service (2) against last year's, most moved first."""
    keys = sorted({str(row[at]) for row in (*now, *then)})
    found = []
    for key in keys:
        actual = exact_sum(row[3] for row in now if row[at] == key)
        before = exact_sum(row[3] for row in then if row[at] == key)
        found.append(Driver(key, actual, before, EXACT.subtract(actual, before)))
    found.sort(key=lambda d: (-abs(d.change), d.key))
    return tuple(found[:DRIVERS])
