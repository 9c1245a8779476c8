"""`python -m rating`: the rating worker with its HTTP API (health, metrics, price books)."""

from __future__ import annotations

import gc
import logging
import os
import signal

import uvicorn

from chargeback.admin import run_service
from chargeback.auth import KeyStore
from chargeback.logs import configure_logging
from chargeback.settings import get_infra_settings
from rating.bootstrap import bootstrap, documented_app
from rating.cli import app as pricebook_app
from rating.settings import get_settings
from terms.adapters import read_versions
from terms.domain import PriceBookInvalid
from terms.settings import get_terms_settings

log = logging.getLogger("rating")


def stop_process() -> None:
    """A worker that cannot start exits, so its supervisor restarts it (never a zombie)."""
    os.kill(os.getpid(), signal.SIGTERM)


def main() -> int:
    settings = get_settings()
    infra = get_infra_settings()
    configure_logging("rating", infra.log_level)
    terms = get_terms_settings()
    try:
        if terms.registry_url(infra.redis_url) != infra.redis_url:
            raise RuntimeError(
                "CHARGEBACK_TERMS_REDIS_URL must name rating's own REDIS_URL database: the "
                "publication counter is read atomically with the tier state"
            )
        seed = read_versions(terms.price_book) if terms.price_book is not None else []
        api = bootstrap(
            settings,
            infra=infra,
            keys=KeyStore(infra.chargeback_keys_file),
            seed=seed,
            on_worker_lost=stop_process,
        )
    except (PriceBookInvalid, FileNotFoundError, RuntimeError) as error:
        log.error("rating cannot start: %s", error)
        return 2
    log.info(
        "rating on %s:%s, seed price-book versions: %s",
        settings.host,
        settings.port,
        ", ".join(book.version for book, _ in seed) or "none",
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
    run_service("rating", main, documented_app, pricebook=pricebook_app)
