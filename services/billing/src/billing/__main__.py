"""`python -m billing`: the ledger writer and invoice API on BILLING_HOST:BILLING_PORT."""

from __future__ import annotations

import uvicorn

from billing.bootstrap import build_app
from billing.settings import get_settings
from chargeback.admin import run_service
from chargeback.auth import KeyStore
from chargeback.logs import configure_logging
from chargeback.settings import get_infra_settings


def main() -> None:
    settings = get_settings()
    infra = get_infra_settings()
    configure_logging("billing", infra.log_level)
    app = build_app(settings, infra=infra, keys=KeyStore(infra.chargeback_keys_file))
    # A bounded graceful stop: open live feeds must not hold the process up.
    uvicorn.run(
        app, host=settings.host, port=settings.port, log_config=None, timeout_graceful_shutdown=3
    )


if __name__ == "__main__":
    run_service("billing", main)
