"""The whole platform as `make run` starts it: HTTP in, ledger and alerts out."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import httpx
import pytest
from e2e_webhook_receiver import WebhookReceiver
from metrics_contract import SERVICES, parse, problems

from chargeback.emitter import usage_event
from chargeback.settings import InfraSettings
from chargeback_cli.stack import Stack, StackConfig

pytestmark = pytest.mark.e2e

PRICES = {("compute", "cpu_hours"): Decimal("0.0417"), ("storage", "gb_hours"): Decimal("0.00013")}
SECRET = "whsec_" + base64.b64encode(b"e2e-secret-0123456789").decode()


def write_config(tmp: Path, webhook_url: str) -> tuple[Path, Path]:
    book = tmp / "book.yaml"
    book.write_text(f"""
version: "e2e-1"
effective_from: "2020-01-01T00:00:00Z"
currency: USD
services:
  compute:
    meters:
      cpu_hours: {{unit: hour, price: "{PRICES["compute", "cpu_hours"]}"}}
  storage:
    meters:
      gb_hours: {{unit: GB-hour, price: "{PRICES["storage", "gb_hours"]}"}}
customers:
  acme: {{name: Acme}}
  globex: {{name: Globex}}
""")
    budgets = tmp / "budgets.yaml"
    budgets.write_text(f"""
budgets:
  - id: acme-monthly
    customer: acme
    amount: "10.00"
    currency: USD
    period: monthly
    thresholds: [50, 80, 100]
webhooks:
  - url: "{webhook_url}"
    secret: "{SECRET}"
""")
    return book, budgets


def usage(now: datetime, customer: str, service: str, meter: str, quantity: str) -> dict:
    return usage_event(
        source="e2e://cluster",
        customer=customer,
        service=service,
        meter=meter,
        quantity=quantity,
        time=now,
    )


def expected_invoice(events: list[dict], customer: str) -> Decimal:
    """Independent of the platform: de-duplicate, price, round each line once, add."""
    unique = {(e["source"], e["id"]): e for e in events if e["subject"] == customer}
    lines: dict[tuple[str, str], Decimal] = {}
    for e in unique.values():
        key = (e["data"]["service"], e["data"]["meter"])
        lines[key] = lines.get(key, Decimal(0)) + Decimal(e["data"]["quantity"]) * PRICES[key]
    return sum((v.quantize(Decimal("0.01"), ROUND_HALF_UP) for v in lines.values()), Decimal(0))


def verify_signature(received, secret: str) -> bool:
    """Standard Webhooks v1, written from the specification."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{received.headers['webhook-id']}.{received.headers['webhook-timestamp']}."
    digest = hmac.new(key, signed.encode() + received.body, hashlib.sha256).digest()
    expected = base64.b64encode(digest).decode()
    return any(
        sig.split(",", 1)[1] == expected for sig in received.headers["webhook-signature"].split()
    )


def wait_for(predicate, timeout: float = 90.0, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def test_events_flow_to_invoice_and_budget_alert(tmp_path):
    with WebhookReceiver() as receiver:
        book, budgets = write_config(tmp_path, receiver.url)
        config = StackConfig(
            run_dir=tmp_path / "run",
            infra=InfraSettings(_env_file=None),
            price_book=book,
            budgets_file=budgets,
        )
        with Stack(config).start() as stack:
            run_pipeline(stack, receiver)


def run_pipeline(stack: Stack, receiver: WebhookReceiver) -> None:
    ingest = httpx.Client(
        base_url=stack.url("metering"),
        timeout=30,
        headers={"Authorization": f"Bearer {stack.emitter_key}"},
    )
    now = datetime.now(UTC)
    period = now.strftime("%Y-%m")
    # acme: 120 cpu_hours * 0.0417 = 5.004 (50 % of 10.00), then 40 more: 6.672 (over 50, under 80)
    events = [usage(now, "acme", "compute", "cpu_hours", "1") for _ in range(120)]
    events += [usage(now, "globex", "storage", "gb_hours", "12345.678") for _ in range(30)]
    batch = "application/cloudevents-batch+json"
    answer = ingest.post("/v1/events", content=json.dumps(events), headers={"content-type": batch})
    assert answer.status_code == 202, answer.text
    assert answer.json()["accepted"] == 150

    # A duplicate (same source + id) is recognised and charged once.
    dup = ingest.post(
        "/v1/events",
        content=json.dumps(events[0]),
        headers={"content-type": "application/cloudevents+json"},
    )
    assert dup.status_code == 202, dup.text
    assert dup.json()["accepted"] == 0 and dup.json()["duplicates"] == 1

    # A malformed event refuses its whole request, naming the event and the field.
    bad = [usage(now, "acme", "compute", "cpu_hours", "5")]
    bad.append({**bad[0], "id": "bad-1", "data": {**bad[0]["data"], "quantity": "-3"}})
    refused = ingest.post("/v1/events", content=json.dumps(bad), headers={"content-type": batch})
    assert refused.status_code == 400
    error = refused.json()["errors"][0]
    assert error["index"] == 1 and "quantity" in error["field"]

    # Binary mode: one more acme event, 40 cpu_hours, taking spend to 6.672 (crosses nothing new).
    extra = usage(now, "acme", "compute", "cpu_hours", "40")
    binary = ingest.post(
        "/v1/events",
        content=json.dumps(extra["data"]),
        headers={
            "content-type": "application/json",
            "ce-specversion": "1.0",
            "ce-id": extra["id"],
            "ce-source": extra["source"],
            "ce-type": extra["type"],
            "ce-subject": "acme",
            "ce-time": extra["time"],
        },
    )
    assert binary.status_code == 202, binary.text
    events.append(extra)
    ingest.close()

    billing = httpx.Client(
        base_url=stack.url("billing"),
        timeout=30,
        headers={"Authorization": f"Bearer {stack.finance_key}"},
    )
    for customer in ("acme", "globex"):
        expected = expected_invoice(events, customer)

        def invoice_total(customer=customer, expected=expected):
            doc = billing.get("/v1/invoices", params={"customer": customer, "period": period})
            assert doc.status_code == 200, doc.text
            return Decimal(doc.json()["total"]) == expected and doc.json()

        doc = wait_for(invoice_total)
        assert Decimal(doc["total"]) == expected
    acme = billing.get("/v1/invoices", params={"customer": "acme", "period": period}).json()
    assert acme["total"] == "6.67" and acme["lines"][0]["quantity"] == "160"
    billing.close()

    # The budget monitor saw the same spend, exactly (not rounded).
    def acme_budget_spent():
        answer = httpx.get(
            f"{stack.url('budget-monitor')}/v1/budgets",
            headers={"Authorization": f"Bearer {stack.finance_key}"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        (acme_budget,) = [b for b in answer.json()["budgets"] if b["id"] == "acme-monthly"]
        return Decimal(acme_budget["spent"]) == Decimal("6.672")

    wait_for(acme_budget_spent, timeout=60)

    # Exactly one alert, for the 50 % threshold, signed per Standard Webhooks.
    wait_for(lambda: receiver.received, timeout=60)
    time.sleep(3)  # anything sent twice would have arrived by now
    assert len(receiver.received) == 1
    alert = json.loads(receiver.received[0].body)
    assert alert["budget_id"] == "acme-monthly" and Decimal(alert["threshold_percent"]) == 50
    assert verify_signature(receiver.received[0], SECRET)

    check_metrics(stack, accepted=151)

    # Structured logs name the event involved: the refused one, and the alert's trigger.
    assert any(e.get("event_id") == "bad-1" for e in json_logs(stack, "metering"))
    raised = [
        e for e in json_logs(stack, "budget-monitor") if e.get("alert_id") == alert["alert_id"]
    ]
    assert raised and raised[0]["event_id"] == alert["triggered_by_event_id"]


def json_logs(stack: Stack, service: str) -> list[dict]:
    text = (stack.config.run_dir / "logs" / f"{service}.log").read_text()
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def sample(families: dict, name: str, **labels: str) -> float:
    """The sum of a family's samples named `name` whose labels include `labels`."""
    family = families[name.removesuffix("_total").removesuffix("_count")]
    return sum(
        s.value for s in family.samples if s.name == name and labels.items() <= s.labels.items()
    )


def check_metrics(stack: Stack, *, accepted: int) -> None:
    """Every service's /metrics is valid exposition text, agrees with contracts/metrics.yaml,
    and its counters reconcile with what went in (accepted = rated + rejected)."""
    pages = {}
    for service in SERVICES:
        answer = httpx.get(f"{stack.url(service)}/metrics", timeout=30)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/plain")
        assert problems(service, answer.text) == [], service
        pages[service] = parse(answer.text)
    metering, rating = pages["metering"], pages["rating"]
    billing, monitor = pages["billing"], pages["budget-monitor"]
    assert sample(metering, "metering_events_accepted_total", path="http") == accepted
    assert sample(metering, "metering_events_duplicate_total", path="http") == 1
    assert sample(metering, "metering_events_refused_total", path="http") == 1
    assert sample(metering, "metering_events_refused_total", reason="invalid_value") == 1
    rated = sample(rating, "rating_events_rated_total")
    assert rated + sample(rating, "rating_events_rejected_total") == accepted
    assert rated == accepted
    assert sample(billing, "billing_ledger_charges_written_total") == accepted
    assert sample(monitor, "budget_monitor_charges_evaluated_total", outcome="counted") == 121
    assert sample(monitor, "budget_monitor_alerts_raised_total", basis="actual") == 1
    assert sample(monitor, "budget_monitor_webhook_deliveries_total", outcome="delivered") == 1
    # Lag is reported per partition of what each consumer reads, and all was consumed.
    for page, service, topic in (
        (rating, "rating", "usage.events"),
        (billing, "billing", "usage.rated"),
    ):
        lag = page[f"{service}_consumer_lag_records"].samples
        assert lag and all(s.value == 0 for s in lag), lag
        assert {s.labels["topic"] for s in lag} == {topic}
    assert sample(metering, "metering_ingest_seconds_count") >= 4
