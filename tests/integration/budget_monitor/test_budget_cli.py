"""The `budgets` CLI against a running budget monitor API (real HTTP, SQL and Redis)."""

from __future__ import annotations

import threading
import time

import pytest
import uvicorn
from typer.testing import CliRunner

from budget_monitor.bootstrap import build_app
from budget_monitor.cli import app as cli
from budget_monitor.settings import BudgetMonitorSettings
from chargeback.auth import KeyStore
from chargeback.settings import InfraSettings
from chargeback_cli.embedded import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def api(tmp_path, redis_url):
    keys = KeyStore(tmp_path / "keys.json")
    finance, acme = keys.create("finance")[0], keys.create("customer", customer="acme")[0]
    settings = BudgetMonitorSettings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'b.db'}")
    app = build_app(
        settings,
        infra=InfraSettings(_env_file=None, redis_url=redis_url),
        keys=keys,
        start_consumers=False,
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "API did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", finance, acme
    server.should_exit = True
    thread.join(timeout=10)


def test_create_list_status_delete(api):
    url, finance, acme = api
    runner = CliRunner()
    env = {"BUDGET_MONITOR_URL": url, "CHARGEBACK_API_KEY": finance}
    made = runner.invoke(
        cli,
        [
            "create",
            "--id",
            "acme-m",
            "--customer",
            "acme",
            "--amount",
            "250.00",
            "--currency",
            "EUR",
            "--threshold",
            "50",
            "--threshold",
            "90",
            "--forecast-threshold",
            "100",
            "--time-zone",
            "Europe/Paris",
        ],
        env=env,
    )
    assert made.exit_code == 0, made.output
    assert "created acme-m" in made.output and "Europe/Paris" in made.output

    listed = runner.invoke(cli, ["list"], env=env)
    assert listed.exit_code == 0 and "acme-m" in listed.output and "250.00 EUR" in listed.output

    shown = runner.invoke(cli, ["status", "acme-m"], env={**env, "CHARGEBACK_API_KEY": acme})
    assert shown.exit_code == 0, shown.output
    assert "spent     0.00 EUR of 250.00 EUR (0.00 %)" in shown.output, shown.output
    assert "time left" in shown.output
    as_json = runner.invoke(cli, ["status", "acme-m", "--json"], env=env)
    assert '"forecast_thresholds": [' in as_json.output

    bad = runner.invoke(
        cli, ["create", "--customer", "acme", "--amount", "-3", "--currency", "EUR"], env=env
    )
    assert bad.exit_code == 1 and "amount:" in bad.output  # names the field
    refused = runner.invoke(cli, ["delete", "acme-m"], env={**env, "CHARGEBACK_API_KEY": acme})
    assert refused.exit_code == 1 and "403" in refused.output

    gone = runner.invoke(cli, ["delete", "acme-m"], env=env)
    assert gone.exit_code == 0 and "deleted acme-m" in gone.output
    assert runner.invoke(cli, ["status", "acme-m"], env=env).exit_code == 1
    assert "no budgets" in runner.invoke(cli, ["list"], env=env).output
    no_key = runner.invoke(cli, ["list"], env={"BUDGET_MONITOR_URL": url, "CHARGEBACK_API_KEY": ""})
    assert no_key.exit_code != 0
