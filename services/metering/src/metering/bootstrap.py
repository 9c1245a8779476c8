"""The one composition root: the metering app, built from settings and its dependencies.

Nothing connects here; the lifespan starts the producer (and the usage.ingest
validator) and stops whatever it started.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from pathlib import Path

from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from chargeback.auth import KeyStore
from chargeback.clock import Clock, utc_now
from chargeback.kafka import ensure_topics, make_producer
from chargeback.settings import DOCUMENTING, InfraSettings
from chargeback.web import attach_keys, operations_router, service_app
from metering.adapters.kafka_publisher import KafkaEventPublisher
from metering.adapters.redis_dedup import RedisDedupStore
from metering.adapters.redis_offsets import RedisOffsets
from metering.domain.ports import DedupStore
from metering.domain.time_bounds import TimeBounds
from metering.entrypoints import events_api
from metering.entrypoints.http_body import Limits
from metering.entrypoints.ingest_validator import IngestValidator, build_validator
from metering.entrypoints.schemas import Ingestion
from metering.service_layer.ingest import DedupPolicy
from metering.settings import MeteringSettings


def build_app(
    settings: MeteringSettings,
    *,
    infra: InfraSettings,
    keys: KeyStore,
    dedup_store: DedupStore | None = None,
    producer: AIOKafkaProducer | None = None,
    clock: Clock = utc_now,
) -> FastAPI:
    """The HTTP app. A given `producer` is started and stopped by the app's lifespan;
    a given `dedup_store` is the caller's to close (the built Redis one is closed here).
    `clock` says when events arrive: their time bounds and ingest time are read from it."""
    policy = DedupPolicy(window_s=settings.dedup_window_s, hold_s=settings.dedup_hold_s)
    limits = Limits(settings.max_body_bytes, settings.max_batch_events)
    bounds = TimeBounds(
        max_age=timedelta(days=settings.max_event_age_days),
        max_lead=timedelta(seconds=settings.max_event_lead_s),
    )
    parts: dict[str, object] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        bootstrap = infra.require_kafka()
        async with AsyncExitStack() as stack:
            await ensure_topics(bootstrap)
            redis_store = RedisDedupStore.from_url(infra.require_redis())
            stack.push_async_callback(redis_store.aclose)
            store = dedup_store or redis_store
            kafka = producer or make_producer(bootstrap)
            await kafka.start()
            stack.push_async_callback(kafka.stop)
            publisher = KafkaEventPublisher(kafka)
            app.state.ingestion = Ingestion(store, publisher, policy, limits, bounds, clock)
            parts.update(store=store, producer=kafka)
            if settings.kafka_validator:
                validator = build_validator(
                    bootstrap,
                    IngestValidator(
                        store=store,
                        publisher=publisher,
                        policy=policy,
                        bounds=bounds,
                        clock=clock,
                        offsets=RedisOffsets(redis_store.client),
                    ),
                    session_timeout_ms=settings.validator_session_timeout_ms,
                )
                await validator.start()
                stack.push_async_callback(validator.stop)
                parts["validator"] = validator
            try:
                yield
            finally:
                parts.clear()  # not ready while stopping

    async def ready() -> bool:
        store, kafka = parts.get("store"), parts.get("producer")
        if not isinstance(store, DedupStore) or not isinstance(kafka, AIOKafkaProducer):
            return False
        validator = parts.get("validator")
        if validator is not None and not getattr(validator, "running", False):
            return False
        return not getattr(kafka, "_closed", False) and await store.ping()

    app = service_app(
        title="metering",
        version="1.0.0",
        lifespan=lifespan,
        description="Usage events in (CloudEvents 1.0), onto usage.events.",
    )
    attach_keys(app, keys)
    app.include_router(events_api.router)
    app.include_router(operations_router(ready))
    return app


def documented_app() -> FastAPI:
    """The app as its OpenAPI document describes it: built on placeholder addresses and
    never started (`python -m metering openapi`, contracts/openapi/)."""
    return build_app(MeteringSettings(), infra=DOCUMENTING, keys=KeyStore(Path("unused")))
