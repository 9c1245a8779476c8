"""What the HTTP API takes and answers. Amounts are decimal strings; times ISO 8601 UTC."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from chargeback.contracts import BudgetAlert
from chargeback.contracts.types import ExactDecimal

Name = Annotated[str, Field(min_length=1, max_length=128)]
Percent = Annotated[str | int, Field(description='a percentage, e.g. 80 or "75.5"')]


class BudgetIn(BaseModel):
    """A budget as written. Scope: customer, cost_center, service, or customer (or cost
    center) and service. Custom periods name period_start and period_end (end excluded;
    dates are midnight in the budget's time zone). No time_zone: the customer's, else UTC.
    No thresholds named: 50, 80, 100 % actual and 100 % forecast; otherwise exactly those
    named."""

    model_config = ConfigDict(extra="forbid")

    id: Name | None = None
    customer: Name | None = None
    cost_center: Name | None = None
    service: Name | None = None
    amount: Annotated[str | int, Field(description='decimal string, e.g. "2500.00"')]
    currency: Annotated[str, Field(min_length=3, max_length=3)]
    period: Literal["monthly", "quarterly", "annual", "custom"] = "monthly"
    period_start: Annotated[str, Field(max_length=40)] | None = None
    period_end: Annotated[str, Field(max_length=40)] | None = None
    time_zone: Annotated[str, Field(max_length=64)] | None = None
    thresholds: Annotated[list[Percent], Field(max_length=20)] | None = None
    forecast_thresholds: Annotated[list[Percent], Field(max_length=20)] | None = None


class BudgetPublic(BaseModel):
    id: str
    customer: str | None = None
    cost_center: str | None = None
    service: str | None = None
    amount: ExactDecimal
    currency: str
    period_kind: str
    period: str  # the period shown: the current one unless asked for another
    period_start: datetime
    period_end: datetime
    time_zone: str
    spent: ExactDecimal
    percent: ExactDecimal
    thresholds: list[ExactDecimal]
    forecast_thresholds: list[ExactDecimal]
    thresholds_crossed: list[ExactDecimal]
    origin: str  # api or file (the budgets file seeds budgets at every start)
    updated_at: str


class BudgetList(BaseModel):
    budgets: list[BudgetPublic]


class BudgetStatusPublic(BaseModel):
    id: str
    period: str
    period_start: datetime
    period_end: datetime
    time_zone: str
    amount: ExactDecimal
    currency: str
    spent: ExactDecimal
    percent: ExactDecimal
    forecast: ExactDecimal | None = Field(description="null until forecast_available_from")
    forecast_percent: ExactDecimal | None
    forecast_available_from: datetime
    thresholds: list[ExactDecimal]
    forecast_thresholds: list[ExactDecimal]
    thresholds_crossed: list[ExactDecimal]
    forecast_thresholds_crossed: list[ExactDecimal]
    elapsed_percent: ExactDecimal
    time_left_s: float


class AlertList(BaseModel):
    alerts: list[BudgetAlert]


class ScopeFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer: Name | None = None
    cost_center: Name | None = None
    service: Name | None = None


class SubscriptionIn(BaseModel):
    """No budget_ids and no scopes: every alert. The secret is made by the monitor and
    shown once, in the answer to this request."""

    model_config = ConfigDict(extra="forbid")

    url: Annotated[str, Field(min_length=1, max_length=2048)]
    budget_ids: Annotated[list[Name], Field(max_length=1000)] = []
    scopes: Annotated[list[ScopeFilter], Field(max_length=100)] = []
    description: Annotated[str, Field(max_length=256)] = ""


class SubscriptionPublic(BaseModel):
    id: str
    url: str
    budget_ids: list[str]
    scopes: list[dict[str, str]]
    description: str
    enabled: bool
    disabled_reason: str | None = None
    origin: str


class SubscriptionCreated(SubscriptionPublic):
    secret: str = Field(description="Standard Webhooks signing secret; shown only here, once")


class SubscriptionList(BaseModel):
    subscriptions: list[SubscriptionPublic]


class SubscriptionChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool


class DeliveryPublic(BaseModel):
    alert_id: str
    attempt: int
    outcome: str
    status_code: int | None
    error: str | None
    latency_ms: float
    at: str


class DeliveryLog(BaseModel):
    subscription_id: str
    queued: int = Field(description="alerts waiting for delivery to this subscription")
    deliveries: list[DeliveryPublic]
