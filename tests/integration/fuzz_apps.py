"""Each service's app as it runs, on the real parts its API reads (embedded broker, Redis,
SQLite), seeded with the example price book, for the API fuzzer."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from chargeback.auth import KeyStore
from chargeback.settings import InfraSettings
from chargeback_cli.embedded import free_port
from terms.adapters import read_versions

EXAMPLE = Path(__file__).resolve().parents[2] / "contracts" / "pricebooks" / "example.yaml"


@dataclass(frozen=True)
class Parts:
    kafka: str
    redis: str
    folder: Path
    keys: KeyStore

    def infra(self) -> InfraSettings:
        return InfraSettings(kafka_bootstrap_servers=self.kafka, redis_url=self.redis)


def metering(parts: Parts) -> FastAPI:
    from metering.bootstrap import build_app
    from metering.settings import MeteringSettings

    return build_app(MeteringSettings(kafka_validator=False), infra=parts.infra(), keys=parts.keys)


def rating(parts: Parts) -> FastAPI:
    from rating.bootstrap import bootstrap
    from rating.settings import RatingSettings

    return bootstrap(
        RatingSettings(), infra=parts.infra(), keys=parts.keys, seed=read_versions(EXAMPLE)
    )


def budget_monitor(parts: Parts) -> FastAPI:
    from budget_monitor.bootstrap import build_app
    from budget_monitor.settings import BudgetMonitorSettings

    database = parts.folder / f"budgets-{time.monotonic_ns()}.db"
    return build_app(
        BudgetMonitorSettings(database_url=f"sqlite:///{database}", sse_keepalive_s=0.2),
        infra=parts.infra(),
        keys=parts.keys,
        seed=read_versions(EXAMPLE),
        start_consumers=False,
    )


def billing(parts: Parts, budget_monitor_url: str) -> FastAPI:
    from billing.bootstrap import build_app
    from billing.dashboard.settings import DashboardSettings
    from billing.settings import BillingSettings

    database = parts.folder / f"ledger-{time.monotonic_ns()}.db"
    infra = parts.infra().model_copy(update={"database_url": f"sqlite:///{database}"})
    app = build_app(
        BillingSettings(finalize_every_s=0),
        infra=infra,
        keys=parts.keys,
        seed=read_versions(EXAMPLE),
        start_consumer=False,
    )
    app.state.dashboard = DashboardSettings(budget_monitor_url=budget_monitor_url)
    return app


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """The app on a local port (uvicorn in a thread, lifespan on); yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_config=None, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
