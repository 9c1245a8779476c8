"""Metric names are a contract: each service's registry equals contracts/metrics.yaml.

The live /metrics of every running service is checked against the same file in
tests/e2e/test_pipeline.py.
"""

from __future__ import annotations

import importlib

import pytest
from metrics_contract import SERVICES, documented, parse, problems
from prometheus_client import REGISTRY, generate_latest

METRICS_MODULES = {
    "metering": "metering.metrics",
    "rating": "rating.metrics",
    "billing": "billing.metrics",
    "budget-monitor": "budget_monitor.metrics",
}


def exposition() -> str:
    for module in [*METRICS_MODULES.values(), "chargeback.web"]:
        importlib.import_module(module)
    return generate_latest(REGISTRY).decode()


@pytest.mark.parametrize("service", SERVICES)
def test_service_metrics_equal_the_contract(service):
    assert problems(service, exposition()) == []


def test_every_operator_question_has_a_metric():
    """The outcomes an operator watches, each documented under a stable name."""
    names = {m.name for group in documented().values() for m in group}
    for needed in (
        "metering_events_accepted_total",
        "metering_events_duplicate_total",
        "metering_events_refused_total",
        "rating_events_rated_total",
        "rating_events_rejected_total",
        "billing_ledger_charges_written_total",
        "budget_monitor_alerts_raised_total",
        "budget_monitor_webhook_deliveries_total",
        "budget_monitor_webhook_failures_total",
    ):
        assert needed in names
    for service in ("metering", "rating", "billing", "budget_monitor"):
        assert f"{service}_consumer_lag_records" in names
    histograms = [m for group in documented().values() for m in group if m.type == "histogram"]
    assert {m.name.split("_")[0] for m in histograms} >= {"metering", "rating", "billing", "budget"}


def test_a_difference_is_reported():
    """The checker itself: a renamed metric and a missing preset label are both caught."""
    text = exposition().replace("rating_events_rated", "rating_events_priced")
    text = text.replace('reason="unknown_meter"', 'reason="other"')
    found = problems("rating", text)
    assert "rating_events_rated_total: documented, not exposed" in found
    assert "rating_events_priced: exposed, not documented in contracts/metrics.yaml" in found
    assert any("unknown_meter" in p for p in found)


def test_garbage_is_not_exposition_format():
    with pytest.raises(ValueError):
        parse("metric_without_value{\n")
