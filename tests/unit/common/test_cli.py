import json

from typer.testing import CliRunner

from chargeback.emitter import usage_event
from chargeback_cli.cli import app
from chargeback_cli.stack import DEFAULT_PRICE_BOOK

runner = CliRunner()


def test_pricebook_validate_lists_every_problem(tmp_path):
    assert runner.invoke(app, ["pricebook", "validate", str(DEFAULT_PRICE_BOOK)]).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: x\nservices: {}\n")
    result = runner.invoke(app, ["pricebook", "validate", str(bad)])
    assert result.exit_code == 1
    assert "currency" in result.output and "effective_from" in result.output


def book(tmp_path, name: str, price: str):
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f'version: "{name}"\neffective_from: "2020-01-01T00:00:00Z"\ncurrency: EUR\n'
        "services:\n  ci:\n    meters:\n"
        f'      build_minutes: {{unit: minute, price: "{price}"}}\n'
    )
    return str(path)


def test_what_if_shows_current_and_proposed_side_by_side_rounded_as_invoices(tmp_path):
    events = [
        usage_event(source="s", customer="acme", service="ci", meter="build_minutes", quantity=q)
        for q in ("10", "2.5")
    ]
    lines = [json.dumps(e) for e in [*events, events[0]]]  # one duplicate
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines))
    args = ["what-if", str(path), "--current", book(tmp_path, "now", "0.008")]
    args += ["--price-book", book(tmp_path, "next", "0.010")]
    result = runner.invoke(app, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "2 events rated" in result.output
    row = next(line for line in result.output.splitlines() if "acme" in line)
    row = row.replace("│", " ").split()
    # 12.5 minutes: 0.1000 now, 0.1250 proposed; printed as an invoice prints them
    assert row == ["acme", "ci", "0.10", "EUR", "0.13", "EUR", "0.03", "EUR", "25.00", "%"]
    exact = runner.invoke(app, [*args, "--exact"], terminal_width=200)
    assert "0.1 EUR" in exact.output and "0.125 EUR" in exact.output and "E-" not in exact.output


def test_keys_create_list_revoke(tmp_path):
    keys = str(tmp_path / "keys.json")
    made = runner.invoke(
        app, ["keys", "create", "--role", "customer", "--customer", "acme", "--keys-file", keys]
    )
    assert made.exit_code == 0 and "export CHARGEBACK_API_KEY=cbk_" in made.output
    key_id = made.output.split()[2].rstrip(":")
    listed = runner.invoke(app, ["keys", "list", "--keys-file", keys])
    assert key_id in listed.output and "cbk_" not in listed.output
    assert runner.invoke(app, ["keys", "revoke", key_id, "--keys-file", keys]).exit_code == 0
    assert "revoked" in runner.invoke(app, ["keys", "list", "--keys-file", keys]).output
    refused = runner.invoke(app, ["keys", "create", "--role", "customer", "--keys-file", keys])
    assert refused.exit_code != 0
