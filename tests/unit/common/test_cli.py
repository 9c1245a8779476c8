import json
from decimal import Decimal

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


def test_what_if_totals_per_customer_and_service_deduplicated(tmp_path):
    book = tmp_path / "book.yaml"
    book.write_text(
        'version: "w1"\neffective_from: "2020-01-01T00:00:00Z"\ncurrency: EUR\n'
        "services:\n  ci:\n    meters:\n"
        '      build_minutes: {unit: minute, price: "0.008"}\n'
    )
    events = [
        usage_event(source="s", customer="acme", service="ci", meter="build_minutes", quantity=q)
        for q in ("10", "2.5")
    ]
    lines = [json.dumps(e) for e in [*events, events[0]]]  # one duplicate
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines))
    result = runner.invoke(app, ["what-if", str(path), "--price-book", str(book)])
    assert result.exit_code == 0, result.output
    assert "2 events rated" in result.output
    assert str(Decimal("12.5") * Decimal("0.008")) in result.output  # 0.1000


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
