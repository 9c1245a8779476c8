"""The admin commands every service runs itself, and `python -m <service>` around serving."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from budget_monitor.cli import app as budgets_app
from budget_monitor.plans_cli import app as plans_app
from chargeback import admin
from chargeback.auth import KeyStore
from chargeback_cli.cli import app as people_app
from rating.cli import app as pricebook_app

runner = CliRunner()


def test_keys_go_to_the_file_the_settings_name(tmp_path, monkeypatch):
    keys = tmp_path / "keys" / "keys.json"
    monkeypatch.setenv("CHARGEBACK_KEYS_FILE", str(keys))
    made = runner.invoke(admin.keys_app, ["create", "--role", "finance", "--name", "ops"])
    assert made.exit_code == 0, made.output
    key_id, plain = made.output.split()[2].rstrip(":"), made.output.split("=")[-1].strip()
    assert plain.startswith("cbk_")
    found = KeyStore(keys).authenticate(plain)
    assert found is not None and found.key_id == key_id and found.role == "finance"
    listed = runner.invoke(admin.keys_app, ["list"])
    assert key_id in listed.output and plain not in listed.output
    assert runner.invoke(admin.keys_app, ["revoke", key_id]).exit_code == 0
    assert KeyStore(keys).authenticate(plain) is None
    missing = runner.invoke(admin.keys_app, ["revoke", "nope"])
    assert missing.exit_code == 1


def test_an_emitter_key_is_scoped_to_its_sources(tmp_path):
    keys = tmp_path / "keys.json"
    sources = ["--source", "//a", "--source", "//b"]
    made = runner.invoke(
        admin.keys_app, ["create", "--role", "emitter", *sources, "--keys-file", str(keys)]
    )
    assert made.exit_code == 0, made.output
    key = KeyStore(keys).authenticate(made.output.split("=")[-1].strip())
    assert key is not None and key.sources == ("//a", "//b")
    assert key.may_emit_for("//a") and not key.may_emit_for("//c")


def serving(code: int | None, calls: list[str]) -> admin.Serve:
    def serve() -> int | None:
        calls.append("served")
        return code

    return serve


@pytest.mark.parametrize("code", [None, 0, 2])
def test_no_arguments_serves_and_exits_with_what_serving_returned(monkeypatch, code):
    calls: list[str] = []
    monkeypatch.setattr(sys, "argv", ["/x/metering/__main__.py"])
    with pytest.raises(SystemExit) as exited:
        admin.run_service("metering", serving(code, calls))
    assert calls == ["served"]
    assert exited.value.code == code


def test_a_command_runs_instead_of_serving(monkeypatch, tmp_path, capsys):
    calls: list[str] = []
    keys = tmp_path / "keys.json"
    argv = ["/x/rating/__main__.py", "keys", "create", "--role", "finance", "--keys-file"]
    monkeypatch.setattr(sys, "argv", [*argv, str(keys)])
    with pytest.raises(SystemExit) as exited:
        admin.run_service("rating", serving(0, calls), pricebook=pricebook_app)
    assert exited.value.code == 0
    assert calls == []
    shown = capsys.readouterr().out
    assert ": finance (everything)" in shown and "export CHARGEBACK_API_KEY=cbk_" in shown
    assert len(KeyStore(keys).all()) == 1


def test_serve_is_a_command_too():
    calls: list[str] = []
    app = admin.service_app("billing", serving(3, calls), {})
    result = runner.invoke(app, ["serve"])
    assert calls == ["served"] and result.exit_code == 3


def test_a_service_app_offers_keys_and_its_own_commands():
    app = admin.service_app("budget_monitor", serving(0, []), {"budgets": budgets_app})
    shown = runner.invoke(app, ["--help"], terminal_width=200).output
    assert "keys" in shown and "budgets" in shown and "serve" in shown


def mounted(app: typer.Typer) -> dict[str, typer.Typer]:
    return {group.name: group.typer_instance for group in app.registered_groups if group.name}


def test_the_peoples_cli_mounts_the_services_own_command_apps():
    """One implementation of each command: `chargeback keys` is `python -m metering keys`."""
    assert mounted(people_app) == {
        "keys": admin.keys_app,
        "pricebook": pricebook_app,
        "budgets": budgets_app,
        "plans": plans_app,
    }


@pytest.mark.parametrize(
    ("package", "commands"),
    [
        ("metering", {"serve", "keys"}),
        ("rating", {"serve", "keys", "pricebook"}),
        ("billing", {"serve", "keys"}),
        ("budget_monitor", {"serve", "keys", "budgets", "plans"}),
    ],
)
def test_python_m_service_lists_its_commands(package: str, commands: set[str], tmp_path: Path):
    shown = subprocess.run(
        [sys.executable, "-m", package, "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "TERM": "dumb"},
        timeout=60,
        check=True,
    ).stdout
    assert f"python -m {package}" in shown
    listed = {line.split()[1] for line in shown.splitlines() if line.startswith("│ ")}
    assert commands <= listed, shown
