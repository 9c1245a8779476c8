"""`python -m budget_monitor`: the budget monitor's API and workers, served by uvicorn."""

from __future__ import annotations

import uvicorn

from budget_monitor.bootstrap import build_app, documented_app
from budget_monitor.cli import app as budgets_app
from budget_monitor.plans_cli import app as plans_app
from budget_monitor.settings import get_settings
from chargeback.admin import run_service
from chargeback.auth import KeyStore
from chargeback.logs import configure_logging
from chargeback.settings import get_infra_settings
from terms.adapters import read_versions
from terms.settings import get_terms_settings


def main() -> None:
    settings, infra = get_settings(), get_infra_settings()
    configure_logging("budget-monitor", infra.log_level)
    terms = get_terms_settings()
    app = build_app(
        settings,
        infra=infra,
        keys=KeyStore(infra.chargeback_keys_file),
        seed=read_versions(terms.price_book) if terms.price_book is not None else (),
        terms_redis_url=terms.terms_redis_url,
    )
    # A bounded graceful stop: open live feeds must not hold the process up.
    uvicorn.run(
        app, host=settings.host, port=settings.port, log_config=None, timeout_graceful_shutdown=3
    )


if __name__ == "__main__":
    run_service("budget_monitor", main, documented_app, budgets=budgets_app, plans=plans_app)
