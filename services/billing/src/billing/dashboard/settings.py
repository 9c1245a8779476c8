"""The dashboard's own settings (env prefix BILLING_, like the rest of billing)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DashboardSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BILLING_", extra="ignore")

    # Where the budget monitor answers; the dashboard reaches it through billing (same
    # origin), so the browser needs no second address and no CORS.
    budget_monitor_url: str = Field(default="http://127.0.0.1:8004", pattern=r"^https?://")
    # How long a budget or alert list may take before the page is told the monitor is down.
    budget_monitor_timeout_s: float = Field(default=10.0, gt=0, le=120)
    # Share of a period that must have passed before spend is forecast (as the monitor does).
    forecast_min_elapsed_percent: Decimal = Field(default=Decimal(20), ge=0, le=100)
