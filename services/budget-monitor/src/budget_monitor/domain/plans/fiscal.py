"""A fiscal year: twelve billing periods from a first month, named by the year it starts in
(fiscal year 2027 with first month 4 runs from 2027-04 to 2028-03)."""

from __future__ import annotations

from dataclasses import dataclass

from budget_monitor.domain.plans.errors import PlanError
from terms.domain import InvalidPeriodError, Period
from terms.domain.periods import FIRST_YEAR


@dataclass(frozen=True, slots=True)
class FiscalYear:
    year: int
    first_month: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.first_month <= 12:
            raise PlanError("first_month", "a month number from 1 to 12")
        try:
            Period(self.year, self.first_month)
            Period(self.year + (self.first_month > 1), (self.first_month + 10) % 12 + 1)
        except InvalidPeriodError as exc:
            raise PlanError("fiscal_year", str(exc)) from None

    @property
    def months(self) -> tuple[Period, ...]:
        first = Period(self.year, self.first_month)
        found = [first]
        while len(found) < 12:
            found.append(found[-1].next())
        return tuple(found)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(map(str, self.months))

    @property
    def label(self) -> str:
        months = self.keys
        return f"FY{self.year} ({months[0]} to {months[-1]})"

    @property
    def has_prior(self) -> bool:
        """Whether the year before is in the platform's calendar (2000 has none)."""
        return self.year > FIRST_YEAR

    def prior(self) -> FiscalYear:
        return FiscalYear(self.year - 1, self.first_month)

    def overlaps(self, other: FiscalYear) -> bool:
        return bool(set(self.keys) & set(other.keys))

    def through(self, month: str) -> tuple[str, ...]:
        """The months from the first through `month` (PlanError if not one of the year's)."""
        if month not in self.keys:
            raise PlanError("through", f"{month[:16]!r} is not a month of {self.label}")
        return self.keys[: self.keys.index(month) + 1]

    def last_year(self, month: str) -> str:
        """The same month of the year before (its place in the prior fiscal year)."""
        return str(Period(int(month[:4]) - 1, int(month[5:])))
