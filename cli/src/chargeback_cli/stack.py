"""The whole platform on one machine: real parts (embedded where no URL is set) + four services.

`chargeback up`, the end-to-end tests and the benchmarks all start the platform
through `Stack`, so what the tests prove is what a newcomer runs.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from chargeback.auth import KeyStore
from chargeback.settings import InfraSettings
from chargeback_cli.embedded import EmbeddedBroker, EmbeddedRedis, ManagedProcess
from chargeback_cli.services import SERVICES, assign_port, process_names, spec_of

# The checkout this package is installed from, editable (cli/src/chargeback_cli/stack.py):
# its example price book and demo budgets are what the platform starts with.
REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_PRICE_BOOK = REPO_ROOT / "contracts" / "pricebooks" / "example.yaml"
DEFAULT_BUDGETS = REPO_ROOT / "services" / "budget-monitor" / "demo-budgets.yaml"


DEMO_KEY_NAMES = ("demo finance", "demo emitter", "demo budget monitor reads billing")
__all__ = ["SERVICES", "Stack", "StackConfig"]
Progress = Callable[[str], None]


@dataclass
class StackConfig:
    run_dir: Path
    infra: InfraSettings = field(default_factory=InfraSettings)
    price_book: Path = DEFAULT_PRICE_BOOK
    budgets_file: Path = DEFAULT_BUDGETS
    fixed_ports: bool = False  # the documented default ports (make run); tests use free ones
    rating_workers: int = 1  # rating processes sharing usage.events' partitions
    extra_env: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class Stack:
    config: StackConfig
    kafka: str = ""
    redis: str = ""
    database: str = ""
    budgets_database: str = ""
    ports: dict[str, int] = field(default_factory=dict)
    finance_key: str = ""
    emitter_key: str = ""
    monitor_key: str = ""  # the budget monitor's own finance key, to read billing's actuals
    processes: dict[str, ManagedProcess] = field(default_factory=dict)
    broker: EmbeddedBroker | None = None  # the embedded one, when no KAFKA_BOOTSTRAP_SERVERS
    _embedded: list[EmbeddedBroker | EmbeddedRedis] = field(default_factory=list)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    @property
    def keys_file(self) -> Path:
        """The one keys file of this platform: CHARGEBACK_KEYS_FILE, else the run's own
        (`var/run/keys.json` under `make run`, where every `keys` command looks by default)."""
        if os.environ.get("CHARGEBACK_KEYS_FILE"):
            return self.config.infra.chargeback_keys_file.resolve()
        return self.config.run_dir / "keys.json"

    def start(self, progress: Progress = lambda _msg: None) -> Stack:
        try:
            self._assign_ports()
            self._start_parts(progress)
            self._make_demo_keys()
            for name in self.process_names:
                progress(f"starting {name}")
                self.start_service(name)
            for name in self.process_names:
                self.wait_ready(name)
                progress(f"{name} ready at {self.url(name)}")
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def process_names(self) -> list[str]:
        return process_names(self.config.rating_workers)

    def _assign_ports(self) -> None:
        """Before anything starts: a documented port that is taken stops the start."""
        for name in self.process_names:
            self.ports[name] = assign_port(name, fixed=self.config.fixed_ports)

    def _start_parts(self, progress: Progress) -> None:
        infra, logs = self.config.infra, self.config.run_dir / "logs"
        self.config.run_dir.mkdir(parents=True, exist_ok=True)
        if infra.kafka_bootstrap_servers:
            self.kafka = infra.kafka_bootstrap_servers
        else:
            progress("starting embedded Kafka-protocol broker (Tansu)")
            broker = EmbeddedBroker(log_path=logs / "broker.log").start()
            self._embedded.append(broker)
            self.broker = broker
            self.kafka = broker.bootstrap_servers
        if infra.redis_url:
            self.redis = infra.redis_url
        else:
            progress("starting embedded Redis")
            redis = EmbeddedRedis(log_path=logs / "redis.log").start()
            self._embedded.append(redis)
            self.redis = redis.url
        if infra.database_url:
            self.database = self.budgets_database = infra.database_url
        else:
            # One SQLite file per writing service: SQLite serialises writers per file.
            ledger, budgets = self.config.run_dir / "ledger.db", self.config.run_dir / "budgets.db"
            if not infra.kafka_bootstrap_servers:
                # The embedded broker keeps nothing across restarts, so the positions in an
                # old demo ledger would point past the end of the new, empty log.
                ledger.unlink(missing_ok=True)
            self.database = f"sqlite:///{ledger}"
            self.budgets_database = f"sqlite:///{budgets}"

    def _make_demo_keys(self) -> None:
        """This run's demo keys; the last run's die with it, keys made with `keys create`
        stay (they are the platform's, whichever run serves them)."""
        store = KeyStore(self.keys_file)
        store.remove(lambda key: key.name in DEMO_KEY_NAMES)
        self.finance_key, _ = store.create("finance", name=DEMO_KEY_NAMES[0])
        self.emitter_key, _ = store.create("emitter", name=DEMO_KEY_NAMES[1], sources=("*",))
        self.monitor_key, _ = store.create("finance", name=DEMO_KEY_NAMES[2])

    def service_env(self, name: str) -> dict[str, str]:
        spec = spec_of(name)
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka,
            "REDIS_URL": self.redis,
            "DATABASE_URL": self.database,
            "CHARGEBACK_KEYS_FILE": str(self.keys_file),
            "PYTHONUNBUFFERED": "1",
            f"{spec.env_prefix}PORT": str(self.ports[name]),
            "CHARGEBACK_PRICE_BOOK": str(self.config.price_book),
            "BUDGET_MONITOR_BUDGETS_FILE": str(self.config.budgets_file),
            "BUDGET_MONITOR_DATABASE_URL": self.budgets_database,
            "BILLING_BUDGET_MONITOR_URL": self.url("budget-monitor"),
        }
        if spec.name == "budget-monitor":  # plans read actuals from billing's ledger
            env["BUDGET_MONITOR_BILLING_URL"] = self.url("billing")
            env["BUDGET_MONITOR_BILLING_KEY"] = self.monitor_key
        env.update(self.config.extra_env.get(spec.name, {}))
        return env

    def start_service(self, name: str) -> ManagedProcess:
        spec = spec_of(name)
        process = ManagedProcess(
            name,
            [sys.executable, "-m", spec.module],
            env=self.service_env(name),
            log_path=self.config.run_dir / "logs" / f"{name}.log",
        ).start()
        self.processes[name] = process
        return process

    def wait_ready(self, name: str, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        url = f"{self.url(name)}/readyz"
        while time.monotonic() < deadline:
            if not self.processes[name].alive():
                raise RuntimeError(f"{name} exited during start-up:\n{self.log_tail(name)}")
            try:
                if httpx.get(url, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{name} not ready after {timeout:.0f}s:\n{self.log_tail(name)}")

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.config.run_dir / "logs" / f"{name}.log"
        if not path.exists():
            return "(no log)"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            process.stop()
        self.processes.clear()
        for part in reversed(self._embedded):
            part.stop()
        self._embedded.clear()

    def __enter__(self) -> Stack:
        """`with Stack(config).start() as stack:` stops everything on the way out."""
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
