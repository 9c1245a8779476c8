"""What the HTTP routes depend on: the process's parts, and who may call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from budget_monitor.adapters.alert_store import RedisAlertStore
from budget_monitor.adapters.delivery_queue import RedisDeliveryQueue
from budget_monitor.adapters.live import LiveHub
from budget_monitor.adapters.network_guard import NetworkGuard
from budget_monitor.adapters.spend_store import RedisSpendStore
from budget_monitor.adapters.sql import SqlBudgets, SqlSubscriptions
from budget_monitor.domain import FieldError
from budget_monitor.service_layer.plan_parts import PlanParts
from budget_monitor.service_layer.registry import Registry
from budget_monitor.settings import BudgetMonitorSettings
from chargeback.auth import ApiKey
from chargeback.clock import Clock, utc_now
from chargeback.web import field_problem, require_role


@dataclass
class Parts:
    settings: BudgetMonitorSettings
    registry: Registry
    budgets: SqlBudgets
    subscriptions: SqlSubscriptions
    spend: RedisSpendStore
    alerts: RedisAlertStore
    queue: RedisDeliveryQueue
    guard: NetworkGuard
    hub: LiveHub
    announce: Callable[[], Awaitable[None]]
    clock: Clock = utc_now
    plans: PlanParts | None = None  # budget plans: their store and where actuals come from


def _parts(request: Request) -> Parts:
    parts: Parts = request.app.state.parts
    return parts


PartsDep = Annotated[Parts, Depends(_parts)]
Reader = Annotated[ApiKey, Depends(require_role("customer", "finance"))]
Finance = Annotated[ApiKey, Depends(require_role("finance"))]


def field_error(exc: FieldError, *, where: str = "body") -> HTTPException:
    """A 422 in the one error shape, naming the field at fault."""
    return field_problem(f"{where}.{exc.field.split(', ')[0]}", exc.reason)


def not_found(what: str, name: str) -> HTTPException:
    return HTTPException(404, f"no {what} {name!r}")
