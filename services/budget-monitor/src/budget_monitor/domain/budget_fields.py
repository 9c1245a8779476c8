"""One budget from its document, field by field; a `FieldError` names the field at fault."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from budget_monitor.domain.budgets import (
    DEFAULT_FORECAST_THRESHOLDS,
    DEFAULT_THRESHOLDS,
    Budget,
    Scope,
)
from budget_monitor.domain.errors import BudgetError, ConfigError
from budget_monitor.domain.periods import CustomPeriod, PeriodRule, period_rule, zone
from chargeback.money import MoneyError, minor_unit, parse_decimal

IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
# A budget document's fields, in the order they are stored.
BUDGET_FIELDS = (
    "id",
    "customer",
    "cost_center",
    "service",
    "amount",
    "currency",
    "period",
    "period_start",
    "period_end",
    "time_zone",
    "thresholds",
    "forecast_thresholds",
)
MAX_THRESHOLDS = 20


class FieldError(ConfigError):
    """A budget field that cannot be; `field` names it."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def budget_from_document(entry: Mapping[str, Any], *, time_zones: Mapping[str, str]) -> Budget:
    """A `Budget`; with no `time_zone`, the customer's (from `time_zones`) or UTC."""
    unknown = set(entry) - set(BUDGET_FIELDS)
    if unknown:
        raise FieldError(", ".join(sorted(map(str, unknown))), "unknown field")
    budget_id = _identifier(entry, "id", required=True) or ""
    customer = _identifier(entry, "customer")
    scope = _scope(customer, _identifier(entry, "service"), _identifier(entry, "cost_center"))
    amount = _amount(entry.get("amount"))
    currency = entry.get("currency")
    try:
        minor_unit(str(currency))
    except MoneyError as exc:
        raise FieldError("currency", str(exc)) from None
    time_zone = entry.get("time_zone") or (time_zones.get(customer, "UTC") if customer else "UTC")
    try:
        zone(str(time_zone))
    except BudgetError as exc:
        raise FieldError("time_zone", str(exc)) from None
    period = _period(entry, str(time_zone))
    actual, forecast = _thresholds(entry)
    try:
        return Budget(budget_id, scope, amount, str(currency), period, actual, forecast)
    except BudgetError as exc:
        field = str(exc).split(" ", 1)[0]
        raise FieldError(field if field in BUDGET_FIELDS else "thresholds", str(exc)) from None


def _identifier(entry: Mapping[str, Any], field: str, *, required: bool = False) -> str | None:
    value = entry.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not IDENTIFIER.match(value):
        hint = "required: " if required else ""
        raise FieldError(field, f"{hint}letters, digits and . _ : - (at most 128)")
    return value


def _scope(customer: str | None, service: str | None, cost_center: str | None) -> Scope:
    try:
        return Scope(customer, service, cost_center)
    except BudgetError as exc:
        field = "cost_center" if customer and cost_center else "customer"
        raise FieldError(field, str(exc).removeprefix("scope: ")) from None


def _amount(value: object) -> Decimal:
    try:
        amount = parse_decimal(value, field="amount")
    except MoneyError as exc:
        raise FieldError("amount", f'{exc} (write it quoted, e.g. "50.00")') from None
    if amount <= 0:
        raise FieldError("amount", "amount must be greater than zero")
    return amount


def _period(entry: Mapping[str, Any], time_zone: str) -> PeriodRule:
    kind = str(entry.get("period", "monthly"))
    bounds = [entry.get("period_start"), entry.get("period_end")]
    if kind != "custom":
        for field, value in zip(("period_start", "period_end"), bounds, strict=True):
            if value is not None:
                raise FieldError(field, "only a custom period has its own start and end")
        try:
            return period_rule(kind, time_zone)
        except BudgetError as exc:
            raise FieldError("period", str(exc)) from None
    start = _moment("period_start", bounds[0], time_zone)
    end = _moment("period_end", bounds[1], time_zone)
    try:
        return CustomPeriod(start, end, time_zone)
    except BudgetError as exc:
        raise FieldError("period_end", str(exc)) from None


def _moment(field: str, value: object, time_zone: str) -> datetime:
    """A date (local midnight in the budget's zone) or a timestamp with its offset."""
    if isinstance(value, str):
        try:
            value = (date if len(value) == 10 else datetime).fromisoformat(value)
        except ValueError:
            value = None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise FieldError(field, "a timestamp needs its UTC offset (e.g. Z or +01:00)")
        return value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=zone(time_zone))
    raise FieldError(field, "a custom period needs a date (2026-11-05) or a timestamp with offset")


def _thresholds(entry: Mapping[str, Any]) -> tuple[tuple[Decimal, ...], tuple[Decimal, ...]]:
    actual, forecast = entry.get("thresholds"), entry.get("forecast_thresholds")
    if actual is None and forecast is None:
        return DEFAULT_THRESHOLDS, DEFAULT_FORECAST_THRESHOLDS
    return _percentages("thresholds", actual), _percentages("forecast_thresholds", forecast)


def _percentages(field: str, value: object) -> tuple[Decimal, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_THRESHOLDS:
        raise FieldError(field, f"must be a list of at most {MAX_THRESHOLDS} percentages")
    try:
        return tuple(parse_decimal(v, field="threshold") for v in value)
    except MoneyError as exc:
        raise FieldError(field, f'{exc} (write fractions quoted, e.g. "75.5")') from None
