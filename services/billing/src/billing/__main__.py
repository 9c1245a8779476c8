"""`python -m billing`: the ledger writer and invoice API on BILLING_HOST:BILLING_PORT."""

from __future__ import annotations

import logging

import uvicorn

from billing.bootstrap import build_app, documented_app
from billing.settings import get_settings
from chargeback.admin import run_service
from chargeback.auth import KeyStore
from chargeback.logs import configure_logging
from chargeback.settings import get_infra_settings
from terms.adapters import read_versions
from terms.domain import PriceBookInvalid
from terms.settings import get_terms_settings

log = logging.getLogger("billing")


def main() -> int:
    settings = get_settings()
    infra = get_infra_settings()
    configure_logging("billing", infra.log_level)
    terms = get_terms_settings()
    try:
        seed = read_versions(terms.price_book) if terms.price_book is not None else []
        app = build_app(
            settings,
            infra=infra,
            keys=KeyStore(infra.chargeback_keys_file),
            seed=seed,
            terms_redis_url=terms.terms_redis_url,
        )
    except (PriceBookInvalid, FileNotFoundError, RuntimeError) as error:
        log.error("billing cannot start: %s", error)
        return 2
    # A bounded graceful stop: open live feeds must not hold the process up.
    uvicorn.run(
        app, host=settings.host, port=settings.port, log_config=None, timeout_graceful_shutdown=3
    )
    return 0


if __name__ == "__main__":
    run_service("billing", main, documented_app)
