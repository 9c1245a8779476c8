"""What the plan API takes: a plan, a version of it, a step of its negotiation. Amounts are
decimal strings (or integers), never floats; what cannot be is a 422 naming the field."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from budget_monitor.domain import BudgetError, Scope
from budget_monitor.domain.plans import Basis, PlanError
from budget_monitor.service_layer.plan_drafting import Amounts
from budget_monitor.service_layer.plans import NewPlan
from chargeback.money import MoneyError, parse_decimal

Name = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
PlanId = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
]
MAX_PERCENT = Decimal(1000)
Number = Annotated[str | int, Field(description='a decimal string, e.g. "1250.00"')]
Comment = Annotated[str, Field(max_length=2000)]


def decimal(value: object, field: str) -> Decimal:
    try:
        return parse_decimal(value, field=field)
    except MoneyError as exc:
        raise PlanError(field, str(exc)) from None


class BasisIn(BaseModel):
    """prior_year: last fiscal year's actuals; run_rate: the last `months` months x 12."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["prior_year", "run_rate"]
    adjust_percent: Number = "0"
    months: Annotated[int, Field(ge=1, le=12)] = 3

    def basis(self) -> Basis:
        return Basis(self.kind, decimal(self.adjust_percent, "basis.adjust_percent"), self.months)


class VersionIn(BaseModel):
    """An amount (or a basis to propose one) and its phasing; explicit phasing names every
    month of the fiscal year. A counter-proposal says why in `comment`."""

    model_config = ConfigDict(extra="forbid")

    amount: Number | None = None
    basis: BasisIn | None = None
    phasing: Literal["even", "seasonal", "explicit"] = "even"
    months: Annotated[dict[str, Number], Field(max_length=12)] | None = None
    comment: Comment = ""

    def amounts(self) -> Amounts:
        months: Mapping[str, Decimal] | None = None
        if self.months is not None:
            months = {k[:16]: decimal(v, f"months.{k[:16]}") for k, v in self.months.items()}
        return Amounts(
            amount=None if self.amount is None else decimal(self.amount, "amount"),
            basis=None if self.basis is None else self.basis.basis(),
            phasing=self.phasing,
            months=months,
            comment=self.comment,
        )


class PlanIn(VersionIn):
    """A plan for a fiscal year (named by the year it starts in) and a scope: a customer, a
    cost centre (everything below the node), a service, or one of them and a service."""

    id: PlanId | None = None
    customer: Name | None = None
    cost_center: Name | None = None
    service: Name | None = None
    fiscal_year: Annotated[int, Field(ge=2000, le=2999)]
    first_month: Annotated[int, Field(ge=1, le=12)] | None = None
    currency: Annotated[str, Field(min_length=3, max_length=3)]
    time_zone: Annotated[str, Field(max_length=64)] | None = None
    thresholds: Annotated[list[Number], Field(max_length=20)] | None = None
    forecast_thresholds: Annotated[list[Number], Field(max_length=20)] | None = None
    variance_threshold_percent: Number | None = None
    supersedes: PlanId | None = None

    def new_plan(self) -> NewPlan:
        try:
            scope = Scope(self.customer, self.service, self.cost_center)
        except BudgetError as exc:
            field = "cost_center" if self.customer and self.cost_center else "customer"
            raise PlanError(field, str(exc).removeprefix("scope: ")) from None
        threshold = None
        if self.variance_threshold_percent is not None:
            threshold = decimal(self.variance_threshold_percent, "variance_threshold_percent")
            if not 0 <= threshold <= MAX_PERCENT:
                raise PlanError("variance_threshold_percent", f"from 0 to {MAX_PERCENT}")
        return NewPlan(
            scope=scope,
            fiscal_year=self.fiscal_year,
            currency=self.currency,
            stated=self.amounts(),
            plan_id=self.id,
            first_month=self.first_month,
            time_zone=self.time_zone,
            thresholds=self._percentages("thresholds", self.thresholds),
            forecast_thresholds=self._percentages("forecast_thresholds", self.forecast_thresholds),
            variance_threshold=threshold,
            supersedes=self.supersedes,
        )

    @staticmethod
    def _percentages(field: str, values: list[str | int] | None) -> tuple[Decimal, ...] | None:
        if values is None:
            return None
        found = tuple(decimal(v, field) for v in values)
        if any(not 0 < v <= MAX_PERCENT for v in found):
            raise PlanError(field, f"percentages above 0, at most {MAX_PERCENT}")
        return found


class StepIn(BaseModel):
    """Why (kept in the plan's history); approving may name the version reviewed."""

    model_config = ConfigDict(extra="forbid")

    comment: Comment = ""
    version: Annotated[int, Field(ge=1)] | None = None
