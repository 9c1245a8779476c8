"""Where a plan's annual amount comes from: given, or proposed from the ledger's actuals.

- prior_year: last fiscal year's actuals for the scope, plus or minus `adjust_percent`;
- run_rate: the average of the last `months` complete months before the fiscal year (or
  before the current month, if that is earlier), times twelve, plus or minus the percent.

A proposed amount is rounded once, half up, to the currency's minor unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from budget_monitor.domain.plans.errors import PlanError
from chargeback.money import EXACT, WIDE, Money, exact_sum

BasisKind = Literal["prior_year", "run_rate"]
BASES: tuple[BasisKind, ...] = ("prior_year", "run_rate")
MAX_RUN_RATE_MONTHS = 12
MAX_ADJUST = Decimal(1000)


@dataclass(frozen=True, slots=True)
class Basis:
    kind: BasisKind
    adjust_percent: Decimal = Decimal(0)
    months: int = 3  # run_rate: how many months make the rate

    def __post_init__(self) -> None:
        if self.kind not in BASES:
            raise PlanError("basis.kind", f"one of {', '.join(BASES)}")
        if not (self.adjust_percent.is_finite() and -100 < self.adjust_percent <= MAX_ADJUST):
            raise PlanError(
                "basis.adjust_percent", f"a percentage above -100, at most {MAX_ADJUST}"
            )
        if not 1 <= self.months <= MAX_RUN_RATE_MONTHS:
            raise PlanError("basis.months", f"from 1 to {MAX_RUN_RATE_MONTHS}")

    def describe(self) -> str:
        change = format(self.adjust_percent.normalize(), "f")
        sign = "+" if self.adjust_percent >= 0 else ""
        if self.kind == "prior_year":
            return f"prior-year actuals {sign}{change} %"
        return f"run rate of the last {self.months} months x 12 {sign}{change} %"


def propose(basis: Basis, actuals: Sequence[Decimal], currency: str) -> Decimal:
    """The annual amount `basis` gives from `actuals` (the prior year's months, or the
    run-rate months), rounded to the minor unit."""
    total = exact_sum(actuals)
    if basis.kind == "run_rate":
        if not actuals:
            raise PlanError("basis", "no complete months before the year to take a rate from")
        total = WIDE.divide(EXACT.multiply(total, Decimal(12)), Decimal(len(actuals)))
    factor = EXACT.add(Decimal(1), basis.adjust_percent.scaleb(-2))
    amount = Money(WIDE.multiply(total, factor), currency).rounded().amount
    if amount <= 0:
        raise PlanError("basis", f"{basis.describe()} gives {amount}: nothing to plan from")
    return amount
