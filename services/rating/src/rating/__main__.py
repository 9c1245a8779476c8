"""`python -m rating`: the rating worker with its HTTP API (health, metrics, price books)."""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys

import uvicorn
from redis.asyncio import Redis

from chargeback.auth import KeyStore
from chargeback.logs import configure_logging
from chargeback.settings import get_infra_settings
from rating.adapters.pricebook_files import load_catalog
from rating.bootstrap import build_http_app, build_worker
from rating.domain import PriceBookInvalid
from rating.settings import get_settings

log = logging.getLogger("rating")


def stop_process() -> None:
    """A worker that cannot start exits, so its supervisor restarts it (never a zombie)."""
    os.kill(os.getpid(), signal.SIGTERM)


def main() -> int:
    settings = get_settings()
    infra = get_infra_settings()
    configure_logging("rating", infra.log_level)
    try:
        seed = load_catalog(settings.price_book)
        bootstrap_servers = infra.require_kafka()
        redis_url = infra.require_redis()
    except (PriceBookInvalid, FileNotFoundError, RuntimeError) as error:
        log.error("rating cannot start: %s", error)
        return 2
    redis = Redis.from_url(redis_url)
    worker = build_worker(
        settings, bootstrap_servers=bootstrap_servers, redis=redis, seed=seed.versions
    )
    api = build_http_app(
        worker=worker,
        registry=worker.registry,
        usage=worker.store,
        keys=KeyStore(infra.chargeback_keys_file),
        closing=[redis.aclose],
        on_worker_lost=stop_process,
    )
    log.info(
        "rating on %s:%s, seed price-book versions %s",
        settings.host,
        settings.port,
        ", ".join(book.version for book in seed.versions),
    )
    # Rating makes many short-lived objects per event (freed by reference counting); the
    # default young-generation collection every 700 allocations cost ~15 % of throughput.
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    # uvicorn owns SIGINT/SIGTERM: it stops serving, then the lifespan stops the worker.
    uvicorn.run(
        api,
        host=settings.host,
        port=settings.port,
        loop="asyncio",
        log_config=None,
        timeout_graceful_shutdown=5,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
