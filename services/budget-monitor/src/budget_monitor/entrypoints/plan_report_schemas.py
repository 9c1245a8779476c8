"""What the plan API answers about figures: a diff between versions, a variance report.
Amounts are exact decimal strings."""

from __future__ import annotations

from pydantic import BaseModel

from budget_monitor.domain.plans import Change, Line, PlanVersion
from chargeback.contracts.types import ExactDecimal


class ChangePublic(BaseModel):
    period: str
    before: ExactDecimal
    after: ExactDecimal
    change: ExactDecimal
    change_percent: ExactDecimal | None

    @classmethod
    def of(cls, c: Change) -> ChangePublic:
        return cls(**{k: getattr(c, k) for k in cls.model_fields})


class SidePublic(BaseModel):
    plan_id: str
    version: int
    scope: dict[str, str]
    amount: ExactDecimal
    author: str
    kind: str

    @classmethod
    def of(cls, plan_id: str, v: PlanVersion, scope: dict[str, str]) -> SidePublic:
        return cls(
            plan_id=plan_id,
            version=v.number,
            scope=scope,
            amount=v.amount,
            author=v.author,
            kind=v.kind,
        )


class DiffPublic(BaseModel):
    before: SidePublic
    after: SidePublic
    months: list[ChangePublic]
    full_year: ChangePublic


class LinePublic(BaseModel):
    period: str
    plan: ExactDecimal
    actual: ExactDecimal | None
    forecast: ExactDecimal | None
    variance: ExactDecimal | None  # actual - plan (full_year: outturn - plan)
    variance_percent: ExactDecimal | None
    last_year: ExactDecimal

    @classmethod
    def of(cls, line: Line) -> LinePublic:
        return cls(**{k: getattr(line, k) for k in cls.model_fields})


class DriverPublic(BaseModel):
    key: str
    actual: ExactDecimal
    last_year: ExactDecimal
    change: ExactDecimal


class VariancePublic(BaseModel):
    plan_id: str
    version: int
    currency: str
    through: str
    forecast_method: str
    months: list[LinePublic]
    year_to_date: LinePublic
    full_year: LinePublic
    outturn: ExactDecimal
    by_customer: list[DriverPublic]
    by_service: list[DriverPublic]
