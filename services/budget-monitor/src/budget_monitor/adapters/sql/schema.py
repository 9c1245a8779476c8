"""The budget monitor's tables (prefix bm_: in deploy/ they share billing's database).

Decimals and times are stored as text (exact decimal strings, ISO 8601 UTC), the
same on SQLite and PostgreSQL. The migrations in `migrations/` create these tables.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Integer, MetaData, String, Table, Text

VERSION_TABLE = "budget_monitor_alembic_version"
metadata = MetaData()

budgets = Table(
    "bm_budgets",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("customer", String(128)),
    Column("cost_center", String(128)),
    Column("service", String(128)),
    Column("amount", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("period", String(16), nullable=False),
    Column("period_start", String(40)),
    Column("period_end", String(40)),
    Column("time_zone", String(64)),  # none: the customer's time zone, else UTC
    Column("thresholds", Text),  # JSON list of decimal strings; none: not named
    Column("forecast_thresholds", Text),
    Column("origin", String(8), nullable=False),  # api or file
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

subscriptions = Table(
    "bm_subscriptions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("url", String(2048), nullable=False),
    Column("secret", String(256), nullable=False),
    Column("budget_ids", Text, nullable=False),  # JSON list
    Column("scopes", Text, nullable=False),  # JSON list of {customer, cost_center, service}
    Column("description", String(256), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("disabled_reason", String(256)),
    Column("origin", String(8), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

delivery_log = Table(
    "bm_delivery_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subscription_id", String(64), nullable=False, index=True),
    Column("alert_id", String(128), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("status_code", Integer),
    Column("error", String(256)),
    Column("latency_ms", Float, nullable=False),
    Column("at", String(40), nullable=False),
)

revision = Table(
    "bm_revision",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", Integer, nullable=False),
)

# Budget plans, their versions (never changed once written) and their history.
plans = Table(
    "bm_plans",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("customer", String(128)),
    Column("cost_center", String(128)),
    Column("service", String(128)),
    Column("fiscal_year", Integer, nullable=False),
    Column("first_month", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("lineage", String(64), nullable=False),  # the first plan of its line
    Column("supersedes", String(64)),
    Column("thresholds", Text),  # JSON list of decimal strings; none: the defaults
    Column("forecast_thresholds", Text),
    Column("variance_threshold", String(32)),
    Column("created_by", String(256), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

plan_versions = Table(
    "bm_plan_versions",
    metadata,
    Column("plan_id", String(64), primary_key=True),
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("amount", String(64), nullable=False),
    Column("months", Text, nullable=False),  # JSON [[YYYY-MM, decimal string], ...]
    Column("phasing", String(16), nullable=False),
    Column("basis", String(128), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("author", String(256), nullable=False),
    Column("role", String(16), nullable=False),
    Column("comment", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
)

plan_events = Table(
    "bm_plan_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_id", String(64), nullable=False, index=True),
    Column("action", String(16), nullable=False),
    Column("from_state", String(16)),
    Column("to_state", String(16), nullable=False),
    Column("version", Integer),
    Column("actor", String(256), nullable=False),
    Column("role", String(16), nullable=False),
    Column("comment", Text, nullable=False),
    Column("at", String(40), nullable=False),
)
