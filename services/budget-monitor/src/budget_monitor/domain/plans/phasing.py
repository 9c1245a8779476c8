"""An annual amount phased by month, exact to the minor unit, summing to the amount.

- even: the same share each month;
- seasonal: each month's share of last year's actuals for the same month;
- explicit: the amounts given, which must be whole minor units and sum to the amount.

Even and seasonal split by the platform's one largest-remainder rule
(`chargeback.apportion`): each month gets the whole cents of its quota, the cents left
over go one each to the months with the largest fractional remainders, ties to the
larger weight, then to the earlier month. So the months always sum to the amount.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Literal

from budget_monitor.domain.plans.errors import PlanError
from chargeback.apportion import largest_remainder
from chargeback.money import EXACT, ZERO, exact_sum, minor_unit

Phasing = Literal["even", "seasonal", "explicit"]
PHASINGS: tuple[Phasing, ...] = ("even", "seasonal", "explicit")


MAX_AMOUNT = Decimal("999999999999999.99")  # a plan's year, or any of its months


def whole_minor_units(amount: Decimal, currency: str, field: str) -> Decimal:
    """`amount` if it is a non-negative whole number of the currency's minor units."""
    places = minor_unit(currency)
    if not amount.is_finite() or amount < 0:
        raise PlanError(field, "must be zero or more")
    if amount > MAX_AMOUNT:
        raise PlanError(field, f"at most {MAX_AMOUNT}")
    if amount.scaleb(places, EXACT) != amount.scaleb(places, EXACT).to_integral_value():
        raise PlanError(field, f"{amount} is not a whole number of {currency} minor units")
    return amount


def phase(
    amount: Decimal,
    months: Sequence[str],
    currency: str,
    *,
    phasing: Phasing,
    last_year: Mapping[str, Decimal] | None = None,
) -> dict[str, Decimal]:
    """`amount` over `months` (even or seasonal; `last_year`: each month's actuals a year
    before, keyed by the plan's month)."""
    whole_minor_units(amount, currency, "amount")
    if phasing == "even":
        weights = {month: Decimal(1) for month in months}
    elif phasing == "seasonal":
        weights = {month: (last_year or {}).get(month, ZERO) for month in months}
        if all(weight <= 0 for weight in weights.values()):
            raise PlanError("phasing", "seasonal phasing needs last year's actuals; there are none")
    else:
        raise PlanError("phasing", "explicit phasing takes the months as given (months)")
    split = largest_remainder(amount, weights, currency)
    return {month: split.get(month, ZERO) for month in months}


def explicit(
    given: Mapping[str, Decimal], months: Sequence[str], currency: str, amount: Decimal | None
) -> dict[str, Decimal]:
    """The months as given: every month of the year, no other, summing to `amount` (if any)."""
    missing = [m for m in months if m not in given]
    extra = sorted(set(given) - set(months))
    if missing or extra:
        wrong = [f"missing {', '.join(missing)}"] if missing else []
        wrong += [f"not months of this year: {', '.join(extra)}"] if extra else []
        raise PlanError("months", "; ".join(wrong))
    phased = {m: whole_minor_units(given[m], currency, f"months.{m}") for m in months}
    total = exact_sum(phased.values())
    if amount is not None and total != amount:
        difference = EXACT.subtract(amount, total)
        raise PlanError(
            "months", f"the months sum to {total}, not the amount {amount} ({difference} apart)"
        )
    return phased
