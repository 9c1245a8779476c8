"""The composition root: the rating worker and its HTTP app, built from their dependencies."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Protocol

from fastapi import FastAPI
from redis.asyncio import Redis

from chargeback.auth import KeyStore
from chargeback.kafka import make_producer
from chargeback.web import attach_keys, operations_router
from rating.adapters.pricebook_files import parse_price_book
from rating.adapters.redis_pricebooks import RedisPriceBookStorage
from rating.adapters.redis_state import RedisRatingStore
from rating.domain import PriceBook
from rating.entrypoints import commitments_api, pricebook_api
from rating.entrypoints.worker import Clock, RatingWorker, utc_now
from rating.service_layer.ports import UsageReader
from rating.service_layer.pricebooks import PriceBookRegistry
from rating.settings import RatingSettings

log = logging.getLogger(__name__)


class Worker(Protocol):
    @property
    def ready(self) -> bool: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def parse(text: str, source: str) -> PriceBook:
    return parse_price_book(text, source=source)


def build_worker(
    settings: RatingSettings,
    *,
    bootstrap_servers: str,
    redis: Redis,
    seed: Sequence[PriceBook],
    clock: Clock = utc_now,
) -> RatingWorker:
    """The consumer of usage.events, its producer, its state and price books (nothing connects)."""
    return RatingWorker(
        bootstrap=bootstrap_servers,
        store=RedisRatingStore(redis, dedup_ttl_s=settings.dedup_ttl_s),
        producer=lambda: make_producer(bootstrap_servers),
        registry=PriceBookRegistry(RedisPriceBookStorage(redis), seed, parse),
        clock=clock,
    )


def build_http_app(
    *,
    worker: Worker,
    registry: PriceBookRegistry,
    usage: UsageReader,
    keys: KeyStore,
    closing: Sequence[Callable[[], object]] = (),
    on_worker_lost: Callable[[], None] | None = None,
) -> FastAPI:
    """HTTP API whose lifespan starts the worker in the background (so /healthz answers at once)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async def start() -> None:
            try:
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

    api = FastAPI(title="chargeback rating", version="0.2.0", lifespan=lifespan)
    attach_keys(api, keys)
    api.state.registry = registry
    api.state.usage = usage
    api.include_router(operations_router(ready))
    api.include_router(pricebook_api.router)
    api.include_router(commitments_api.router)
    return api
