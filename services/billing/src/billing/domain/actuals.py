"""Actual spend per billing period over a range, and per customer and service within it:
what the budget monitor plans from and measures variance against. Pure and exact.

Months are the billing periods the charges carry (cut by rating in each customer's time
zone); every month of the range is listed, with zero where nothing was charged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from chargeback.money import ZERO, exact_sum
from terms.domain import Period

MAX_MONTHS = 36


@dataclass(frozen=True, slots=True)
class Actual:
    period: str
    customer: str | None  # None: every customer of the scope
    service: str | None
    amount: Decimal
    charges: int


@dataclass(frozen=True, slots=True)
class Actuals:
    months: tuple[Actual, ...]  # one per month of the range, in order
    detail: tuple[Actual, ...]  # per month, customer and service (only where charged)


def months_between(first: Period, last: Period) -> list[Period]:
    """`first` to `last`, both included; ValueError beyond MAX_MONTHS or backwards."""
    if last < first:
        raise ValueError(f"to ({last}) is before from ({first})")
    months = [first]
    while months[-1] < last:
        months.append(months[-1].next())
        if len(months) > MAX_MONTHS:
            raise ValueError(f"at most {MAX_MONTHS} months at once")
    return months


def monthly_actuals(rows: Iterable[tuple[str, str, str, Decimal]], months: list[Period]) -> Actuals:
    """`rows`: (period, customer, service, amount) of the charges in scope."""
    found: dict[tuple[str, str, str], list[Decimal]] = {}
    for period, customer, service, amount in rows:
        found.setdefault((period, customer, service), []).append(amount)
    detail = tuple(
        Actual(period, customer, service, exact_sum(amounts), len(amounts))
        for (period, customer, service), amounts in sorted(found.items())
    )
    totals = []
    for month in map(str, months):
        hits = [d for d in detail if d.period == month]
        amount = exact_sum(d.amount for d in hits) if hits else ZERO
        totals.append(Actual(month, None, None, amount, sum(d.charges for d in hits)))
    return Actuals(tuple(totals), detail)
