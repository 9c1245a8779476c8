"""Budget evaluation, pure: budgets, periods, forecasts, crossings. No I/O here."""

from budget_monitor.domain.book import BudgetBook, WebhookTarget
from budget_monitor.domain.budget_fields import FieldError, budget_from_document
from budget_monitor.domain.budgets import (
    DEFAULT_FORECAST_THRESHOLDS,
    DEFAULT_THRESHOLDS,
    Basis,
    Budget,
    Crossing,
    Scope,
    alert_id,
)
from budget_monitor.domain.config import parse_book
from budget_monitor.domain.errors import BudgetError, ConfigError
from budget_monitor.domain.evaluation import (
    ChargeFacts,
    Evaluation,
    Opening,
    SpendKey,
    Triggered,
    evaluate,
    spend_keys,
)
from budget_monitor.domain.forecast import ForecastRule
from budget_monitor.domain.periods import (
    CalendarPeriod,
    CustomPeriod,
    MonthlyUtc,
    PeriodRule,
    Window,
    period_rule,
)
from budget_monitor.domain.status import BudgetStatus, budget_status
from budget_monitor.domain.subscriptions import Subscription, check_url, is_public_address

__all__ = [
    "DEFAULT_FORECAST_THRESHOLDS",
    "DEFAULT_THRESHOLDS",
    "Basis",
    "Budget",
    "BudgetBook",
    "BudgetError",
    "BudgetStatus",
    "CalendarPeriod",
    "ChargeFacts",
    "ConfigError",
    "Crossing",
    "CustomPeriod",
    "Evaluation",
    "FieldError",
    "ForecastRule",
    "MonthlyUtc",
    "Opening",
    "PeriodRule",
    "Scope",
    "SpendKey",
    "Subscription",
    "Triggered",
    "WebhookTarget",
    "Window",
    "alert_id",
    "budget_from_document",
    "budget_status",
    "check_url",
    "evaluate",
    "is_public_address",
    "parse_book",
    "period_rule",
    "spend_keys",
]
