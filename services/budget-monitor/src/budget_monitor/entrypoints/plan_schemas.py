"""What the plan API answers. Amounts are exact decimal strings; times ISO 8601 UTC."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from budget_monitor.domain.plans import Plan, PlanEvent, PlanVersion
from chargeback.contracts.types import ExactDecimal


class MonthAmount(BaseModel):
    period: str
    amount: ExactDecimal


class VersionPublic(BaseModel):
    number: int
    amount: ExactDecimal
    months: list[MonthAmount]
    phasing: str
    basis: str
    kind: str  # proposal, revision (finance) or counter (the business unit)
    author: str
    role: str
    comment: str
    created_at: datetime

    @classmethod
    def of(cls, v: PlanVersion) -> VersionPublic:
        months = [MonthAmount(period=m, amount=a) for m, a in v.months]
        fields = {k: getattr(v, k) for k in ("number", "amount", "phasing", "basis", "kind")}
        people = {k: getattr(v, k) for k in ("author", "role", "comment", "created_at")}
        return cls(months=months, **fields, **people)


class EventPublic(BaseModel):
    action: str
    from_state: str | None
    to_state: str
    version: int | None
    actor: str
    role: str
    comment: str
    at: datetime

    @classmethod
    def of(cls, e: PlanEvent) -> EventPublic:
        return cls(**{k: getattr(e, k) for k in cls.model_fields})


class PlanPublic(BaseModel):
    id: str
    customer: str | None = None
    cost_center: str | None = None
    service: str | None = None
    fiscal_year: int
    first_month: int
    months: list[str]  # the fiscal year's billing periods, in order
    currency: str
    time_zone: str
    state: str
    lineage: str
    supersedes: str | None
    thresholds: list[ExactDecimal] | None
    forecast_thresholds: list[ExactDecimal] | None
    variance_threshold_percent: ExactDecimal | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: VersionPublic  # the latest
    versions: int
    budgets: list[str]  # the budgets approval makes (made, once approved)
    history: list[EventPublic]

    @classmethod
    def of(cls, plan: Plan, history: list[PlanEvent], budgets: list[str]) -> PlanPublic:
        return cls(
            **plan.scope.as_dict(),
            id=plan.id,
            fiscal_year=plan.year.year,
            first_month=plan.year.first_month,
            months=list(plan.year.keys),
            currency=plan.currency,
            time_zone=plan.time_zone,
            state=plan.state,
            lineage=plan.lineage,
            supersedes=plan.supersedes,
            thresholds=None if plan.thresholds is None else list(plan.thresholds),
            forecast_thresholds=None
            if plan.forecast_thresholds is None
            else list(plan.forecast_thresholds),
            variance_threshold_percent=plan.variance_threshold,
            created_by=plan.created_by,
            created_at=plan.created_at,
            updated_at=plan.updated_at,
            version=VersionPublic.of(plan.latest),
            versions=len(plan.versions),
            budgets=budgets,
            history=[EventPublic.of(e) for e in history],
        )


class PlanList(BaseModel):
    plans: list[PlanPublic]


class VersionList(BaseModel):
    plan_id: str
    versions: list[VersionPublic]
