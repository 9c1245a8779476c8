"""`python -m metering`: the ingestion API (and the usage.ingest validator) on METERING_PORT."""

from __future__ import annotations

import uvicorn

from chargeback.admin import run_service
from chargeback.auth import KeyStore
from chargeback.logs import configure_logging
from chargeback.settings import get_infra_settings
from metering.bootstrap import build_app, documented_app
from metering.settings import get_settings


def main() -> None:
    settings, infra = get_settings(), get_infra_settings()
    configure_logging("metering", infra.log_level)
    app = build_app(settings, infra=infra, keys=KeyStore(infra.chargeback_keys_file))
    # log_config=None keeps the JSON logging configured above.
    # A bounded graceful stop: open live feeds must not hold the process up.
    uvicorn.run(
        app, host=settings.host, port=settings.port, log_config=None, timeout_graceful_shutdown=3
    )


if __name__ == "__main__":
    run_service("metering", main, documented_app)
