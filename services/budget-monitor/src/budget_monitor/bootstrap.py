"""The one composition root: the budget monitor's app, built from settings and parts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from redis.asyncio import Redis

from budget_monitor.adapters.alert_store import RedisAlertStore
from budget_monitor.adapters.billing_actuals import BillingActuals
from budget_monitor.adapters.delivery_queue import RedisDeliveryQueue
from budget_monitor.adapters.live import LiveHub, announce_change
from budget_monitor.adapters.network_guard import NetworkGuard
from budget_monitor.adapters.spend_store import RedisSpendStore
from budget_monitor.adapters.sql import SqlBudgets, SqlSubscriptions, make_engine, upgrade
from budget_monitor.adapters.sql.plans import SqlPlans
from budget_monitor.domain import BudgetBook
from budget_monitor.entrypoints import (
    api,
    api_alerts,
    api_plan_steps,
    api_plans,
    api_status,
    api_subscriptions,
)
from budget_monitor.entrypoints.deps import Parts
from budget_monitor.entrypoints.startup import start_workers
from budget_monitor.entrypoints.workers import GROUP, WEBHOOK_GROUP, Workers
from budget_monitor.service_layer.actuals import ActualsSource
from budget_monitor.service_layer.plan_parts import PlanParts
from budget_monitor.service_layer.registry import Registry
from budget_monitor.service_layer.seed import seed as seed_budgets
from budget_monitor.settings import DEFAULT_DATABASE, BudgetMonitorSettings
from chargeback.auth import KeyStore
from chargeback.clock import Clock, utc_now
from chargeback.contracts import Topics
from chargeback.kafka import ensure_topics
from chargeback.settings import DOCUMENTING, InfraSettings
from chargeback.web import attach_keys, operations_router, service_app
from terms.adapters import open_registry
from terms.domain import PriceBook

log = logging.getLogger(__name__)


def build_app(
    settings: BudgetMonitorSettings,
    *,
    infra: InfraSettings,
    keys: KeyStore,
    budgets: BudgetBook | None = None,
    seed: Sequence[tuple[PriceBook, str]] = (),
    terms_redis_url: str | None = None,
    start_consumers: bool = True,
    clock: Clock = utc_now,
    actuals: ActualsSource | None = None,
) -> FastAPI:
    """The HTTP app; its lifespan migrates and loads the database, connects Redis and,
    with `start_consumers`, Kafka. `budgets` seeds like the budgets file would; `seed`
    are price-book versions to publish if absent (customers' terms come from there), in
    the registry at `terms_redis_url` (default: the monitor's own Redis). Plans read
    actual spend from `actuals` (default: billing at BUDGET_MONITOR_BILLING_URL)."""
    url = settings.database_url or infra.database_url or DEFAULT_DATABASE

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(url)
        redis = Redis.from_url(infra.require_redis(), decode_responses=True)
        terms_redis = Redis.from_url(terms_redis_url) if terms_redis_url else redis
        workers: Workers | None = None
        hub: LiveHub | None = None
        poll: asyncio.Task[None] | None = None
        try:
            await asyncio.to_thread(upgrade, engine)
            terms = open_registry(terms_redis)
            await terms.seed(seed)
            registry = Registry(SqlBudgets(engine), SqlSubscriptions(engine), terms, clock)
            await registry.refresh(force=True)  # the customers' time zones, before the seed
            await asyncio.to_thread(seed_budgets, registry, settings.budgets_file, budgets)
            await registry.refresh(force=True)

            async def reload() -> None:
                if await registry.refresh() and workers is not None:
                    workers.request_sweep()

            async def announce() -> None:
                await reload()
                await announce_change(redis, registry.revision)

            hub = LiveHub(redis, reload)
            await hub.start()
            poll = asyncio.create_task(_poll(reload, settings.reload_interval_s))
            guard = NetworkGuard(
                allow_private=_allow_private(settings, infra),
                allowed_hosts=settings.allowed_hosts(),
            )
            parts = Parts(
                settings,
                registry,
                registry.budgets,
                registry.subscriptions,
                RedisSpendStore(
                    redis, topic=Topics.RATED, group=GROUP, seen_ttl_s=settings.seen_ttl_s
                ),
                RedisAlertStore(redis, recent_cap=settings.recent_alerts),
                RedisDeliveryQueue(redis, topic=Topics.ALERTS, group=WEBHOOK_GROUP),
                guard,
                hub,
                announce,
                clock,
                PlanParts(
                    SqlPlans(engine),
                    actuals or billing_actuals(settings),
                    registry,
                    announce,
                    clock,
                    settings.fiscal_year_first_month,
                ),
            )
            app.state.parts = parts
            if start_consumers:
                await ensure_topics(infra.require_kafka())
                workers = await start_workers(parts, infra.require_kafka())
            app.state.workers = workers
            yield
        finally:
            if workers is not None:
                await workers.stop()
            if poll is not None:
                poll.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await poll
            if hub is not None:
                await hub.stop()
            await redis.aclose()
            if terms_redis is not redis:
                await terms_redis.aclose()
            engine.dispose()

    app = service_app(
        title="budget-monitor",
        version="0.2.0",
        lifespan=lifespan,
        description="Budgets, thresholds and alerts: webhooks, a live feed, budget.alerts.",
    )
    app.state.workers = None
    attach_keys(app, keys)

    async def ready() -> bool:
        with contextlib.suppress(Exception):
            parts: Parts = app.state.parts
            await asyncio.wait_for(parts.spend.redis.ping(), timeout=2)
            workers: Workers | None = app.state.workers
            if not start_consumers:
                return True
            return workers is not None and workers.running and workers.consuming
        return False

    app.include_router(operations_router(ready))
    app.include_router(api.router)
    app.include_router(api_status.router)
    app.include_router(api_alerts.router)
    app.include_router(api_subscriptions.router)
    app.include_router(api_plans.router)
    app.include_router(api_plan_steps.router)
    return app


def billing_actuals(settings: BudgetMonitorSettings) -> BillingActuals:
    return BillingActuals(
        settings.billing_url,
        settings.billing_key.get_secret_value(),
        timeout_s=settings.billing_timeout_s,
    )


def _allow_private(settings: BudgetMonitorSettings, infra: InfraSettings) -> bool:
    if settings.webhook_allow_private is not None:
        return settings.webhook_allow_private
    return infra.chargeback_environment == "development"


async def _poll(reload: object, interval_s: float) -> None:
    """The fallback for a missed change notice: look at the revision now and then."""
    while True:
        await asyncio.sleep(interval_s)
        try:
            await reload()  # type: ignore[operator]
        except Exception:
            log.exception("reloading budgets failed")


def documented_app() -> FastAPI:
    """The app as its OpenAPI document describes it: built on placeholder addresses and
    never started (`python -m budget_monitor openapi`, contracts/openapi/)."""
    return build_app(BudgetMonitorSettings(), infra=DOCUMENTING, keys=KeyStore(Path("unused")))
