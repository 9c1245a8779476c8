"""Budgets, subscriptions and the delivery log in SQL (SQLite file or PostgreSQL)."""

from budget_monitor.adapters.sql.budgets import SqlBudgets, StoredBudget
from budget_monitor.adapters.sql.engine import make_engine
from budget_monitor.adapters.sql.migrate import upgrade
from budget_monitor.adapters.sql.subscriptions import DeliveryAttempt, SqlSubscriptions

__all__ = [
    "DeliveryAttempt",
    "SqlBudgets",
    "SqlSubscriptions",
    "StoredBudget",
    "make_engine",
    "upgrade",
]
