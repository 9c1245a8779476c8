"""The budgets file: what it may say, and errors that name the budget and the field."""

from __future__ import annotations

import base64
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from budget_monitor.adapters.budget_file import load_budget_book
from budget_monitor.domain import ConfigError, parse_book

REPO = Path(__file__).resolve().parents[3]
SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef").decode()


def book(text: str):
    return parse_book(yaml.safe_load(text))


def test_a_full_document_is_read():
    parsed = book(f"""
budgets:
  - {{id: acme-monthly, customer: acme, amount: "10.50", currency: USD, period: monthly,
     thresholds: [50, "75.5", 100]}}
  - {{id: acme-ci, customer: acme, service: ci, amount: 7, currency: EUR}}
webhooks:
  - {{url: "http://127.0.0.1:9/hook", secret: "{SECRET}"}}
""")
    first, second = parsed.budgets
    assert first.amount == Decimal("10.50") and first.thresholds == (50, Decimal("75.5"), 100)
    assert second.scope.service == "ci" and second.thresholds == (50, 80, 100)
    assert parsed.webhooks[0].url.endswith("/hook")
    assert SECRET not in repr(parsed)  # secrets stay out of logs


def test_the_demo_file_is_valid_and_has_the_demo_customers():
    demo = load_budget_book(REPO / "services/budget-monitor/demo-budgets.yaml")
    assert {b.scope.customer for b in demo} >= {"acme", "globex", "initech"}
    # their amounts are sized to the demo's traffic: tests/unit/common/test_demo_budgets.py
    assert demo.webhooks == ()


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{id: b1, customer: acme, amount: 10.5, currency: USD}", "'b1'): amount: "),
        ('{id: b1, customer: acme, amount: "ten", currency: USD}', "'b1'): amount: "),
        ('{id: b1, customer: acme, amount: "-1", currency: USD}', "'b1'): amount: "),
        ('{id: b1, customer: acme, amount: "1", currency: XYZ}', "'b1'): currency: "),
        ('{id: b1, customer: acme, amount: "1", currency: USD, period: weekly}', "'b1'): period: "),
        (
            '{id: b1, customer: acme, amount: "1", currency: USD, thresholds: [0]}',
            "'b1'): thresholds: ",
        ),
        (
            '{id: b1, customer: acme, amount: "1", currency: USD, thresholds: [50.5]}',
            "'b1'): thresholds: ",
        ),
        ('{id: b1, amount: "1", currency: USD}', "'b1'): customer: "),
        ('{customer: acme, amount: "1", currency: USD}', "budgets[0]: id: "),
        (
            '{id: b1, customer: acme, amount: "1", currency: USD, colour: red}',
            "'b1'): colour: unknown field",
        ),
    ],
)
def test_a_bad_budget_is_named_with_its_field(entry, expected):
    with pytest.raises(ConfigError) as error:
        book(f"budgets:\n  - {entry}\n")
    assert expected in str(error.value)


def test_repeated_budget_ids_are_refused():
    entry = '{id: b1, customer: acme, amount: "1", currency: USD}'
    with pytest.raises(ConfigError, match="'b1': id is used by more than one"):
        book(f"budgets:\n  - {entry}\n  - {entry}\n")


@pytest.mark.parametrize(
    ("hook", "expected"),
    [
        ('{url: "ftp://x", secret: "long-enough"}', "webhooks[0]: url"),
        ('{url: "http://x/h"}', "webhooks[0]: secret"),
        ('{url: "http://x/h", secret: "whsec_!!!notbase64"}', "webhooks[0]: secret"),
    ],
)
def test_a_bad_webhook_is_named_without_showing_the_secret(hook, expected):
    with pytest.raises(ConfigError) as error:
        book(f"webhooks:\n  - {hook}\n")
    assert expected in str(error.value) and "notbase64" not in str(error.value)


def test_file_errors_name_the_file(tmp_path):
    with pytest.raises(ConfigError, match="no such budgets file"):
        load_budget_book(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("budgets: [\n")
    with pytest.raises(ConfigError, match=r"broken\.yaml: not valid YAML"):
        load_budget_book(broken)
