"""Cost recovery: what a service's charges brought in against what the service cost.

income   = revenue + adjustments - credit notes posted for the service in the period
           (showback is shown, not charged: it is reported as `shown`, not income)
cost     = fixed cost of the period + variable cost per unit x metered quantity
recovery = income - cost (positive: over-recovered); percent = income / cost x 100,
           to two places (None when the service cost nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from billing.domain.costs import ServiceCost
from chargeback.money import EXACT, WIDE, ZERO

Outcome = Literal["over", "under", "exact"]


@dataclass(frozen=True, slots=True)
class Recovery:
    service: str
    period: str
    currency: str
    income: Decimal
    shown: Decimal
    fixed_cost: Decimal
    variable_cost: Decimal
    total_cost: Decimal
    recovery: Decimal
    recovery_percent: Decimal | None
    outcome: Outcome


def recover(
    *,
    service: str,
    period: str,
    currency: str,
    cost: ServiceCost | None,
    income: Decimal,
    shown: Decimal,
    quantities: Mapping[str, Decimal],
) -> Recovery:
    """`quantities` maps meter -> quantity metered for the service in the period."""
    fixed = cost.fixed_total if cost else ZERO
    variable = ZERO
    for meter, quantity in sorted(quantities.items()):
        if cost is not None:
            variable = EXACT.add(variable, EXACT.multiply(quantity, cost.unit_cost(meter)))
    total = EXACT.add(fixed, variable)
    recovery = EXACT.subtract(income, total)
    percent = None
    if not total.is_zero():
        percent = WIDE.divide(EXACT.multiply(income, 100), total).quantize(
            Decimal("0.01"), ROUND_HALF_UP, WIDE
        )
    outcome: Outcome = "over" if recovery > 0 else "under" if recovery < 0 else "exact"
    return Recovery(
        service, period, currency, income, shown, fixed, variable, total, recovery, percent, outcome
    )


@dataclass(frozen=True, slots=True)
class RecoveryTotal:
    currency: str
    income: Decimal
    total_cost: Decimal
    recovery: Decimal
    recovery_percent: Decimal | None


def totals(report: list[Recovery]) -> list[RecoveryTotal]:
    """The report across all services, per currency."""
    sums: dict[str, tuple[Decimal, Decimal]] = {}
    for r in report:
        income, cost = sums.get(r.currency, (ZERO, ZERO))
        sums[r.currency] = (EXACT.add(income, r.income), EXACT.add(cost, r.total_cost))
    found = []
    for currency, (income, cost) in sorted(sums.items()):
        percent = None
        if not cost.is_zero():
            percent = WIDE.divide(EXACT.multiply(income, 100), cost).quantize(
                Decimal("0.01"), ROUND_HALF_UP, WIDE
            )
        found.append(RecoveryTotal(currency, income, cost, EXACT.subtract(income, cost), percent))
    return found
