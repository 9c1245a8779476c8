"""The `plans` CLI against a running budget monitor API (real HTTP, SQL and Redis; the
ledger's actuals from a fixed source)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import uvicorn
from typer.testing import CliRunner

from budget_monitor.bootstrap import build_app
from budget_monitor.domain import Scope
from budget_monitor.plans_cli import app as cli
from budget_monitor.service_layer.actuals import Actuals
from budget_monitor.settings import BudgetMonitorSettings
from chargeback.auth import KeyStore
from chargeback.settings import InfraSettings
from chargeback_cli.embedded import free_port
from terms.adapters import parse_price_book

pytestmark = pytest.mark.integration
BOOK = """
version: "t1"
effective_from: "2020-01-01T00:00:00Z"
currency: USD
services: {compute: {meters: {cpu_hours: {unit: hour, price: "1"}}}}
customers: {acme: {name: Acme}}
"""


class FixedActuals:
    """The ledger as the test states it: acme spent 10.00 in each month of 2027 so far."""

    async def monthly(self, scope: Scope, first: str, last: str, currency: str) -> Actuals:
        months = [f"{y}-{m:02d}" for y in (2026, 2027) for m in range(1, 13)]
        chosen = [m for m in months if first <= m <= last]
        spent = {m: Decimal("10.00") if m.startswith("2027") else Decimal(0) for m in chosen}
        return Actuals(spent, tuple((m, "acme", "compute", a) for m, a in spent.items() if a))


@pytest.fixture
def api(tmp_path, redis_url):
    keys = KeyStore(tmp_path / "keys.json")
    finance, acme = keys.create("finance")[0], keys.create("customer", customer="acme")[0]
    app = build_app(
        BudgetMonitorSettings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'b.db'}"),
        infra=InfraSettings(_env_file=None, redis_url=redis_url),
        keys=keys,
        seed=[(parse_price_book(BOOK), BOOK)],
        start_consumers=False,
        clock=lambda: datetime(2027, 3, 15, tzinfo=UTC),
        actuals=FixedActuals(),
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


def test_propose_counter_submit_approve_and_variance(api):
    url, finance, acme = api
    runner = CliRunner()
    as_finance = {"BUDGET_MONITOR_URL": url, "CHARGEBACK_API_KEY": finance}
    as_acme = {"BUDGET_MONITOR_URL": url, "CHARGEBACK_API_KEY": acme}

    args = ["propose", "--customer", "acme", "--fiscal-year", "2027", "--currency", "USD"]
    made = runner.invoke(cli, [*args, "--amount", "120.00", "--comment", "flat"], env=as_finance)
    assert made.exit_code == 0, made.output
    plan_id = made.output.split()[0]
    assert "10.00" in made.output and "draft" in made.output

    refused = runner.invoke(cli, ["counter", plan_id, "--amount", "90.00"], env=as_acme)
    assert refused.exit_code == 1 and "comment" in refused.output
    months = [f"--month=2027-{m:02d}={'20.00' if m == 12 else '5.00'}" for m in range(1, 13)]
    counter = [*months, "--phasing", "explicit", "--comment", "busy December"]
    countered = runner.invoke(cli, ["counter", plan_id, *counter], env=as_acme)
    assert countered.exit_code == 0, countered.output
    assert "version 2 (counter" in countered.output and "75.00 USD" in countered.output

    assert runner.invoke(cli, ["submit", plan_id], env=as_acme).exit_code == 0
    denied = runner.invoke(cli, ["approve", plan_id], env=as_acme)
    assert denied.exit_code == 1 and "error 403: only finance may approve" in denied.output
    approved = runner.invoke(cli, ["approve", plan_id, "--version", "2"], env=as_finance)
    assert approved.exit_code == 0, approved.output
    assert f"{plan_id}.2027-12" in approved.output and f"{plan_id}.year" in approved.output

    shown = runner.invoke(cli, ["variance", plan_id, "--through", "2027-02"], env=as_acme)
    assert shown.exit_code == 0, shown.output
    rows = {line.split()[0]: line.split()[1:] for line in shown.output.splitlines()[2:16]}
    assert rows["year_to_date"] == ["10.00", "20.00", "10.00", "100.00"]
    assert rows["2027-12"] == ["20.00", "10.00"]  # planned, forecast by the run rate
    assert "moved most (customers, against last year): acme 20.00" in shown.output
    csv = runner.invoke(cli, ["variance", plan_id, "--through", "2027-02", "--csv"], env=as_acme)
    assert csv.output.splitlines()[1] == "2027-01,5.00,10.00,,5.00,100.00,0"

    diff = runner.invoke(cli, ["diff", plan_id], env=as_finance)
    assert "full_year" in diff.output and "-45.00" in diff.output
    listed = runner.invoke(cli, ["list"], env=as_acme)
    assert plan_id in listed.output and "approved" in listed.output
    history = runner.invoke(cli, ["show", plan_id], env=as_finance)
    assert "counter" in history.output and "busy December" in history.output
