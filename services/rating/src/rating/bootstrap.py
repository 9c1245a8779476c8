"""The composition root: the rating process (worker and HTTP API), built from its parts.

`bootstrap` connects nothing itself: it makes the clients, and the app's lifespan
publishes the seed price-book versions, starts the worker and stops it again.
`build_app` is the same assembly with the parts given (tests pass fakes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Protocol

from fastapi import FastAPI
from redis.asyncio import Redis

from chargeback.auth import KeyStore
from chargeback.clock import Clock, utc_now
from chargeback.kafka import make_producer
from chargeback.settings import DOCUMENTING, InfraSettings
from chargeback.web import attach_keys, operations_router, service_app
from rating.adapters.redis_state import RedisRatingStore
from rating.entrypoints import commitments_api, pricebook_api
from rating.entrypoints.worker import RatingWorker
from rating.service_layer.ports import UsageReader
from rating.settings import RatingSettings
from terms.adapters import open_registry
from terms.domain import PriceBook
from terms.service_layer.registry import PriceBookRegistry

log = logging.getLogger(__name__)


class Worker(Protocol):
    @property
    def ready(self) -> bool: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def bootstrap(
    settings: RatingSettings,
    *,
    infra: InfraSettings,
    keys: KeyStore,
    seed: Sequence[tuple[PriceBook, str]] = (),
    clock: Clock = utc_now,
    on_worker_lost: Callable[[], None] | None = None,
) -> FastAPI:
    """The rating process: consumer of usage.events, its state, the price books, the API."""
    bootstrap_servers, redis = infra.require_kafka(), Redis.from_url(infra.require_redis())
    registry = open_registry(redis)
    store = RedisRatingStore(redis, dedup_ttl_s=settings.dedup_ttl_s)
    worker = RatingWorker(
        bootstrap=bootstrap_servers,
        store=store,
        producer=lambda: make_producer(bootstrap_servers),
        registry=registry,
        clock=clock,
    )
    return build_app(
        worker=worker,
        registry=registry,
        usage=store,
        keys=keys,
        seed=seed,
        closing=[redis.aclose],
        on_worker_lost=on_worker_lost,
    )


def build_app(
    *,
    worker: Worker,
    registry: PriceBookRegistry,
    usage: UsageReader,
    keys: KeyStore,
    seed: Sequence[tuple[PriceBook, str]] = (),
    closing: Sequence[Callable[[], object]] = (),
    on_worker_lost: Callable[[], None] | None = None,
) -> FastAPI:
    """HTTP API whose lifespan starts the worker in the background (so /healthz answers at once)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async def start() -> None:
            try:
                published = await registry.seed(seed)
                if published:
                    log.info("seed price-book versions published: %s", ", ".join(published))
                await worker.start()
            except Exception:
                log.exception("the rating worker failed to start")
                if on_worker_lost is not None:
                    on_worker_lost()

        starting = asyncio.create_task(start(), name="rating-start")
        try:
            yield
        finally:
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await starting
            await worker.stop()
            for close in closing:
                result = close()
                if asyncio.iscoroutine(result):
                    await result

    async def ready() -> bool:
        return worker.ready

    api = service_app(
        title="rating",
        version="0.2.0",
        lifespan=lifespan,
        description="Price books and commitments; usage.events rated into usage.rated.",
    )
    attach_keys(api, keys)
    api.state.registry = registry
    api.state.usage = usage
    api.include_router(operations_router(ready))
    api.include_router(pricebook_api.router)
    api.include_router(commitments_api.router)
    return api


def documented_app() -> FastAPI:
    """The app as its OpenAPI document describes it: built on placeholder addresses and
    never started (`python -m rating openapi`, contracts/openapi/)."""
    return bootstrap(RatingSettings(), infra=DOCUMENTING, keys=KeyStore(Path("unused")))
