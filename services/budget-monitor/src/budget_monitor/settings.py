"""Settings of the budget monitor (env prefix BUDGET_MONITOR_)."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE = "sqlite:///var/budget-monitor.db"


class BudgetMonitorSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BUDGET_MONITOR_", extra="ignore", populate_by_name=True
    )

    host: str = "127.0.0.1"
    port: int = 8004
    # Budgets and subscriptions (SQLAlchemy URL). Unset: DATABASE_URL, else a local file.
    database_url: str | None = None
    # YAML of budgets and webhooks, upserted into the database at every start (a seed).
    budgets_file: Path | None = None
    max_records: int = Field(default=2000, ge=1, le=50_000)
    # Event ids counted are remembered this long, so a late duplicate is not counted twice.
    seen_ttl_s: int = Field(default=40 * 86400, ge=60)
    recent_alerts: int = Field(default=1000, ge=10, le=100_000)
    # Forecasts count once this share of a period has passed (a run rate needs a run).
    forecast_min_elapsed_percent: Decimal = Field(default=Decimal(20), ge=0, le=100)
    # Pending alerts (published but not yet marked raised) are retried this often.
    outbox_interval_s: float = Field(default=2.0, gt=0)
    # Budgets and subscriptions are re-read this often at the latest (a change notice
    # over Redis makes every worker re-read at once).
    reload_interval_s: float = Field(default=2.0, gt=0)
    # Current periods are checked this often for thresholds no charge crossed.
    sweep_interval_s: float = Field(default=30.0, gt=0)
    webhook_timeout_s: float = Field(default=5.0, gt=0, le=60)
    webhook_backoff_s: float = Field(default=0.5, ge=0)
    webhook_backoff_max_s: float = Field(default=60.0, ge=0)
    # A delivery not accepted within this long is given up (and logged as expired).
    webhook_max_age_s: float = Field(default=3 * 86400, gt=0)
    webhook_per_subscription: int = Field(default=4, ge=1, le=64)
    # Comma-separated hosts webhooks may go to; empty: any host (but see below).
    webhook_allowed_hosts: str = ""
    # Loopback and private addresses: unset means allowed only when
    # CHARGEBACK_ENVIRONMENT is development (tests post to 127.0.0.1).
    webhook_allow_private: bool | None = None
    sse_keepalive_s: float = Field(default=15.0, gt=0)
    # Budget plans: actuals come from billing's ledger (GET /v1/actuals), read with a
    # finance key of the monitor's own; a fiscal year starts in this month unless a plan
    # names its own.
    billing_url: str = Field(default="http://127.0.0.1:8003", pattern=r"^https?://")
    billing_key: SecretStr = SecretStr("")
    billing_timeout_s: float = Field(default=10.0, gt=0, le=120)
    fiscal_year_first_month: int = Field(default=1, ge=1, le=12)
    consumer_session_timeout_ms: int = Field(default=10_000, ge=6000)

    @property
    def webhook_lease_s(self) -> float:
        """How long a claimed delivery is held before another worker may take it."""
        return 2 * self.webhook_timeout_s + 5

    def allowed_hosts(self) -> list[str]:
        return [h.strip() for h in self.webhook_allowed_hosts.split(",") if h.strip()]


@lru_cache
def get_settings() -> BudgetMonitorSettings:
    return BudgetMonitorSettings()
