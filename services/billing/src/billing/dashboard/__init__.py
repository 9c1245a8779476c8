"""The billing-ops dashboard: a page at `/dashboard/` (static HTML, CSS and JS modules,
charts drawn as SVG by its own code, nothing loaded from elsewhere), the read API it
uses (`/v1/spend`, `/v1/dashboard/...`) and a same-origin proxy to the budget
monitor's budgets, plans and live alerts (`/v1/budget-monitor/...`)."""

from __future__ import annotations

from fastapi import FastAPI

from billing.dashboard import api, live_feed, plan_proxy, proxy
from billing.dashboard.settings import DashboardSettings
from billing.dashboard.static_files import DashboardFiles


def install(app: FastAPI, settings: DashboardSettings | None = None) -> None:
    """Add the dashboard to the billing app (settings from BILLING_* env unless given)."""
    app.state.dashboard = settings or DashboardSettings()
    app.include_router(api.router)
    app.include_router(proxy.router)
    app.include_router(plan_proxy.router)
    app.include_router(live_feed.router)
    app.mount("/dashboard", DashboardFiles(), name="dashboard")


__all__ = ["DashboardSettings", "install"]
