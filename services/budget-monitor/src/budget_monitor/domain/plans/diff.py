"""What changed between two versions of a plan (or a re-forecast and the plan it
supersedes): per month and for the whole year of the scope."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from budget_monitor.domain.plans.plan import PlanVersion
from budget_monitor.domain.plans.variance import percent
from chargeback.money import EXACT, ZERO


@dataclass(frozen=True, slots=True)
class Change:
    period: str  # a month, or "full_year"
    before: Decimal
    after: Decimal
    change: Decimal
    change_percent: Decimal | None  # of `before`; none where it was zero


def _change(period: str, before: Decimal, after: Decimal) -> Change:
    moved = EXACT.subtract(after, before)
    return Change(period, before, after, moved, percent(moved, before))


def diff(before: PlanVersion, after: PlanVersion) -> tuple[tuple[Change, ...], Change]:
    """Each month's change from `before` to `after`, and the year's."""
    old, new = before.by_month, after.by_month
    months = list(dict.fromkeys([*old, *new]))
    lines = tuple(_change(m, old.get(m, ZERO), new.get(m, ZERO)) for m in months)
    return lines, _change("full_year", before.amount, after.amount)
