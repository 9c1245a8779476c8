"""Every Prometheus metric of the budget monitor, named once."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from chargeback.contracts import Topics
from chargeback.metrics import ConsumerMetrics, preset

CHARGE_OUTCOMES = ("counted", "duplicate", "no_budget", "other_currency", "undecodable")
BASES = ("actual", "forecast")
DELIVERY_OUTCOMES = ("delivered", "http_error", "gone", "network_error", "refused")

CHARGES_EVALUATED = Counter(
    "budget_monitor_charges_evaluated_total",
    "Rated charges evaluated against budgets, by outcome "
    "(counted, duplicate, no_budget, other_currency, undecodable)",
    ["outcome"],
)
ALERTS_RAISED = Counter(
    "budget_monitor_alerts_raised_total",
    "Budget alerts published to budget.alerts and marked raised (once per alert id)",
    ["basis"],
)
WEBHOOK_DELIVERIES = Counter(
    "budget_monitor_webhook_deliveries_total",
    "Webhook delivery attempts, by outcome (delivered, http_error, gone, network_error, refused)",
    ["outcome"],
)
WEBHOOK_FAILURES = Counter(
    "budget_monitor_webhook_failures_total",
    "Deliveries given up: not accepted within the maximum age",
)
DELIVERIES_QUEUED = Gauge(
    "budget_monitor_webhook_deliveries_queued",
    "Deliveries waiting in the retry queue (due now or later), every subscription",
)
EVALUATION_SECONDS = Histogram(
    "budget_monitor_evaluation_seconds",
    "Time to evaluate and apply one partition's batch of rated charges",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
ALERTS_PENDING = Gauge(
    "budget_monitor_alerts_pending",
    "Alerts recorded as crossed but not yet confirmed published",
)
CONSUMER = ConsumerMetrics("budget_monitor", [Topics.RATED, Topics.ALERTS])

preset(CHARGES_EVALUATED, CHARGE_OUTCOMES)
preset(ALERTS_RAISED, BASES)
preset(WEBHOOK_DELIVERIES, DELIVERY_OUTCOMES)
