"""The one composition root: the billing app (API, usage.rated consumer, scheduler).

Customer terms come from the registry of published price-book versions in Redis (the
one every service reads): the seed versions (`CHARGEBACK_PRICE_BOOK`) are published at
start if absent, and each use of terms refreshes the catalog, so a version published
through rating's API is in force here without a restart. Billing's own per-customer
settings come from its settings file and API.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError

from billing import metrics
from billing.adapters.config_files import load_costs, load_customers
from billing.adapters.ledger import SqlBooks, SqlLedger, make_engine
from billing.entrypoints.http import (
    accounting,
    costs,
    customers,
    documents,
    exports,
    invoices,
    rollups,
)
from billing.entrypoints.ledger_consumer import LedgerWriter
from billing.entrypoints.scheduler import finalize_periodically
from billing.settings import EMBEDDED_DATABASE_URL, BillingSettings
from chargeback.auth import KeyStore
from chargeback.clock import Clock, utc_now
from chargeback.contracts import Topics
from chargeback.kafka import ensure_topics
from chargeback.settings import DOCUMENTING, InfraSettings
from chargeback.tracking import ConsumerConfig, FailurePolicy, TrackingConsumer
from chargeback.web import attach_keys, operations_router, service_app
from terms.adapters import open_registry
from terms.domain import PriceBook

READY_TIMEOUT_S = 2.0
log = logging.getLogger(__name__)


def build_app(
    settings: BillingSettings,
    *,
    infra: InfraSettings,
    keys: KeyStore,
    seed: Sequence[tuple[PriceBook, str]] = (),
    terms_redis_url: str | None = None,
    engine: Engine | None = None,
    start_consumer: bool = True,
    clock: Clock = utc_now,
) -> FastAPI:
    """The app; it connects only when started (its lifespan), never here.

    At start it publishes the seed price-book versions not yet published (in the registry
    at `terms_redis_url`, else `REDIS_URL`), migrates the ledger, loads customer settings
    and service costs from their files, starts the usage.rated consumer and the
    finalization scheduler.
    """
    owns_engine = engine is None
    engine = (
        engine if engine is not None else make_engine(infra.database_url or EMBEDDED_DATABASE_URL)
    )
    redis = Redis.from_url(terms_redis_url or infra.require_redis())
    registry = open_registry(redis)
    ledger = SqlLedger(engine, clock=clock)
    books = SqlBooks(engine, clock=clock)
    consumer = _consumer(settings, infra, ledger) if start_consumer else None

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tasks = []
        try:
            published = await registry.seed(seed)
            if published:
                log.info("seed price-book versions published: %s", ", ".join(published))
            await asyncio.to_thread(_prepare, settings, ledger, books)
            if consumer is not None:
                await ensure_topics(consumer.config.bootstrap)
                await consumer.start()
            if settings.finalize_every_s > 0:
                scheduler = finalize_periodically(ledger, books, registry, settings)
                tasks.append(asyncio.create_task(scheduler, name="billing-finalize"))
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if consumer is not None:
                await consumer.stop()
            await redis.aclose()
            if owns_engine:
                engine.dispose()

    async def ready() -> bool:
        if consumer is not None and not consumer.running:
            return False
        try:
            await asyncio.wait_for(asyncio.to_thread(ledger.ping), READY_TIMEOUT_S)
            await asyncio.wait_for(registry.refresh(), READY_TIMEOUT_S)
        except Exception:
            return False
        return True

    app = service_app(
        title="billing",
        version="0.1.0",
        lifespan=lifespan,
        description="The ledger of rated charges: invoices, journal, allocation, exports.",
    )
    attach_keys(app, keys)
    app.state.settings = settings
    app.state.ledger = ledger
    app.state.books = books
    app.state.registry = registry
    app.state.clock = clock
    app.state.consumer = consumer
    app.include_router(operations_router(ready))
    for module in (invoices, documents, accounting, costs, customers, exports, rollups):
        app.include_router(module.router)
    from billing import dashboard  # the billing-ops page at /dashboard/ and its read API

    dashboard.install(app)
    return app


def _prepare(settings: BillingSettings, ledger: SqlLedger, books: SqlBooks) -> None:
    """Migrate the ledger, then load the settings files (API-set values are kept)."""
    ledger.create_schema()
    if settings.customers_file is not None:
        found = load_customers(settings.customers_file)
        stored = ledger.save_customers(found, source="file")
        log.info("customer settings from %s: %d stored", settings.customers_file, stored)
    if settings.costs_file is not None:
        stored = books.save_costs(load_costs(settings.costs_file), source="file")
        log.info("service costs from %s: %d stored", settings.costs_file, stored)


def _consumer(
    settings: BillingSettings, infra: InfraSettings, ledger: SqlLedger
) -> TrackingConsumer:
    config = ConsumerConfig(
        bootstrap=infra.require_kafka(),
        topic=Topics.RATED,
        group_id=settings.consumer_group,
        stage="billing",
        max_records=settings.consumer_max_records,
        session_timeout_ms=settings.consumer_session_timeout_ms,
        # A database that is away or locked is waited for, never counted against the data.
        policy=FailurePolicy(transient=(OperationalError, InterfaceError, TimeoutError)),
    )
    writer = LedgerWriter(ledger, group=settings.consumer_group)
    return TrackingConsumer(config, writer, metrics=metrics.CONSUMER)


def documented_app() -> FastAPI:
    """The app as its OpenAPI document describes it: built on placeholder addresses and
    never started (`python -m billing openapi`, contracts/openapi/)."""
    return build_app(BillingSettings(), infra=DOCUMENTING, keys=KeyStore(Path("unused")))
