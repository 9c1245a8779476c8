"""`python -m billing`: the ledger writer and invoice API on BILLING_HOST:BILLING_PORT."""

from __future__ import annotations

import logging
import sys

import uvicorn

from billing.bootstrap import build_app
from billing.settings import get_settings
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
    seed_path = get_terms_settings().price_book
    try:
        seed = read_versions(seed_path) if seed_path is not None else []
        app = build_app(settings, infra=infra, keys=KeyStore(infra.chargeback_keys_file), seed=seed)
    except (PriceBookInvalid, FileNotFoundError, RuntimeError) as error:
        log.error("billing cannot start: %s", error)
        return 2
    # A bounded graceful stop: open live feeds must not hold the process up.
    uvicorn.run(
        app, host=settings.host, port=settings.port, log_config=None, timeout_graceful_shutdown=3
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
