"""A budget plan's whole cycle on the running platform, as `make run` starts it.

The fiscal year is chosen so that this month is its sixth. The year before and this
year's five months gone are in the ledger, produced straight to usage.events (metering
takes only the last 35 days). Finance proposes the year's plan for division DIV-1 from
last year's actuals, phased by last year's seasons; the business unit (a customer key of
a department below the division) counter-proposes and submits; a customer key may not
approve; finance approves, which makes the budgets the monitor evaluates. This month's
usage, sent over HTTP, then crosses them: the alerts come by signed webhook from budgets
the plan created. The variance report (plan, actual from the ledger, forecast) is checked
against sums computed here from the events.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import httpx
import pytest
from e2e_webhook_receiver import WebhookReceiver

from chargeback.auth import KeyStore
from chargeback.contracts import Topics
from chargeback.emitter import usage_event
from chargeback.kafka import make_producer
from chargeback.settings import InfraSettings
from chargeback_cli.stack import Stack, StackConfig
from terms.domain import Period

pytestmark = pytest.mark.e2e
PRICE = Decimal("0.50")
SECRET = "whsec_cGxhbnMtZTJlLXNlY3JldC0wMTIzNDU2Nzg5"
BOOK = """
version: "plans-e2e-1"
effective_from: "2020-01-01T00:00:00Z"
currency: USD
services: {compute: {meters: {cpu_hours: {unit: hour, price: "0.50"}}}}
cost_centers:
  HOLDING: {name: Holding}
  DIV-1: {name: Division one, parent: HOLDING}
  DEPT-A: {name: Department A, parent: DIV-1}
  DEPT-B: {name: Department B, parent: DIV-1}
customers:
  acme: {name: Acme, cost_center: DEPT-A}
  globex: {name: Globex, cost_center: DEPT-B}
"""


@dataclass(frozen=True)
class Year:
    """A fiscal year whose sixth month is this one, and the year before it."""

    now: datetime
    months: list[str]
    before: list[str]

    @classmethod
    def around(cls, now: datetime) -> Year:
        first = Period.of(now)
        for _ in range(5):
            first = first.previous()
        months, before = [first], [Period(first.year - 1, first.month)]
        while len(months) < 12:
            months.append(months[-1].next())
            before.append(before[-1].next())
        return cls(now, [str(m) for m in months], [str(m) for m in before])

    @property
    def this(self) -> str:
        return self.months[5]


def event(customer: str, hours: Decimal, when: datetime, n: str) -> dict:
    return usage_event(
        source="e2e://plans", customer=customer, service="compute", meter="cpu_hours",
        quantity=str(hours), time=when, event_id=f"{customer}-{n}",
    )  # fmt: skip


def tenth(month: str) -> datetime:
    return datetime(int(month[:4]), int(month[5:]), 10, 12, tzinfo=UTC)


def history(year: Year) -> list[dict]:
    """The year before: acme 10 x k hours in its k-th month, globex 20 hours a month; this
    year's five months gone: acme 12 x k hours, globex 25."""
    events = []
    for k, month in enumerate(year.before, 1):
        events += [event("acme", Decimal(10 * k), tenth(month), f"ly{k}")]
        events += [event("globex", Decimal(20), tenth(month), f"ly{k}")]
    for k, month in enumerate(year.months[:5], 1):
        events += [event("acme", Decimal(12 * k), tenth(month), f"ty{k}")]
        events += [event("globex", Decimal(25), tenth(month), f"ty{k}")]
    return events


def monthly(events: list[dict]) -> dict[str, Decimal]:
    """Independent of the platform: each month's spend of the events (all of DIV-1)."""
    found: dict[str, Decimal] = {}
    for e in events:
        key = e["time"][:7]
        found[key] = found.get(key, Decimal(0)) + Decimal(e["data"]["quantity"]) * PRICE
    return found


async def produce(stack: Stack, events: list[dict]) -> None:
    producer = make_producer(stack.kafka)
    await producer.start()
    try:
        for e in events:
            await producer.send(Topics.EVENTS, json.dumps(e).encode(), key=e["subject"].encode())
        await producer.flush()
    finally:
        await producer.stop()


def wait_for(predicate, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"condition not met within {timeout}s")


def test_a_plan_negotiated_approved_and_alerting_on_the_platform(tmp_path):
    with WebhookReceiver() as receiver:
        book, budgets = tmp_path / "book.yaml", tmp_path / "budgets.yaml"
        book.write_text(BOOK)
        hook = f'webhooks:\n  - {{url: "{receiver.url}", secret: "{SECRET}"}}\n'
        budgets.write_text("budgets: []\n" + hook)
        config = StackConfig(
            run_dir=tmp_path / "run", infra=InfraSettings(_env_file=None), price_book=book,
            budgets_file=budgets,
        )  # fmt: skip
        with Stack(config).start() as stack:
            Cycle(stack, receiver, Year.around(datetime.now(UTC))).run()


@dataclass
class Cycle:
    stack: Stack
    receiver: WebhookReceiver
    year: Year

    def run(self) -> None:
        past = history(self.year)
        asyncio.run(produce(self.stack, past))
        acme_key, _ = KeyStore(self.stack.keys_file).create(
            "customer", name="DEPT-A owner", customer="acme"
        )
        finance = {"Authorization": f"Bearer {self.stack.finance_key}"}
        with (
            httpx.Client(base_url=self.stack.url("billing"), headers=finance, timeout=30) as b,
            httpx.Client(base_url=self.stack.url("budget-monitor"), timeout=30) as m,
        ):
            self.billing, self.monitor = b, m
            self.finance, self.acme = finance, {"Authorization": f"Bearer {acme_key}"}
            expected = monthly(past)
            gone = [*self.year.before, *self.year.months[:5]]
            wait_for(lambda: self.ledger(gone[0], gone[-1]) == {k: expected[k] for k in gone})
            plan_id, plan = self.negotiate(sum(expected[k] for k in self.year.before))
            now_events = self.overspend(plan_id, plan)
            self.variance(plan_id, plan, past + now_events)

    def ledger(self, first: str, last: str) -> dict[str, Decimal]:
        params = {"from": first, "to": last, "cost_center": "DIV-1"}
        body = self.billing.get("/v1/actuals", params=params).json()
        return {m["period"]: Decimal(m["amount"]) for m in body["months"]}

    def post(self, path: str, body: dict, who: dict) -> httpx.Response:
        return self.monitor.post(path, json=body, headers=who)

    def negotiate(self, last_year: Decimal) -> tuple[str, dict[str, Decimal]]:
        proposal = {
            "cost_center": "DIV-1", "fiscal_year": int(self.year.months[0][:4]),
            "first_month": int(self.year.months[0][5:]), "currency": "USD",
            "basis": {"kind": "prior_year", "adjust_percent": "-20"}, "phasing": "seasonal",
            "thresholds": ["50", "80", "100"], "forecast_thresholds": [],
            "variance_threshold_percent": "10", "comment": "last year less 20 %",
        }  # fmt: skip
        made = self.post("/v1/budget-plans", proposal, self.finance)
        assert made.status_code == 201, made.text
        plan_id = made.json()["id"]
        assert last_year == Decimal(510)
        assert Decimal(made.json()["version"]["amount"]) == Decimal("408.00")
        counter = {
            "basis": {"kind": "prior_year", "adjust_percent": "-21.5"}, "phasing": "seasonal",
            "comment": "DEPT-A moves its batch jobs off-peak",
        }  # fmt: skip
        base = f"/v1/budget-plans/{plan_id}"
        assert self.post(f"{base}/versions", counter, self.acme).status_code == 201
        assert self.post(f"{base}/submit", {}, self.acme).status_code == 200
        refused = self.post(f"{base}/approve", {}, self.acme)
        assert refused.status_code == 403 and "only finance" in refused.json()["detail"]
        approved = self.post(f"{base}/approve", {"version": 2, "comment": "agreed"}, self.finance)
        assert approved.status_code == 200, approved.text
        assert approved.json()["state"] == "approved"
        assert self.post(f"{base}/versions", counter, self.acme).status_code == 409
        plan = {m["period"]: Decimal(m["amount"]) for m in approved.json()["version"]["months"]}
        assert sum(plan.values()) == Decimal("400.35")  # 510 x 0.785
        return plan_id, plan

    def overspend(self, plan_id: str, plan: dict[str, Decimal]) -> list[dict]:
        """This month DEPT-A spends enough to cross the month's budget and the year-to-date
        one (which counts from its approval, as every budget does), over HTTP."""
        this = self.year.this
        so_far = sum(v for k, v in plan.items() if k <= this)
        spend = max(plan[this] * Decimal("1.3"), so_far * Decimal("1.15")).quantize(Decimal(1))
        hours = (spend / PRICE).quantize(Decimal(1), ROUND_HALF_UP)
        events = [event("acme", hours / 4, self.year.now, f"now{i}") for i in range(4)]
        sent = httpx.post(
            f"{self.stack.url('metering')}/v1/events", content=json.dumps(events), timeout=30,
            headers={"Authorization": f"Bearer {self.stack.emitter_key}",
                     "content-type": "application/cloudevents-batch+json"},
        )  # fmt: skip
        assert sent.status_code == 202, sent.text
        wanted = {f"{plan_id}.{this}": Decimal(100), f"{plan_id}.ytd.{this}": Decimal(110)}

        def alerts() -> dict[str, set[Decimal]]:
            found: dict[str, set[Decimal]] = {}
            for r in self.receiver.received:
                alert = json.loads(r.body)
                found.setdefault(alert["budget_id"], set()).add(Decimal(alert["threshold_percent"]))
            return found if all(t in found.get(b, ()) for b, t in wanted.items()) else {}

        self.raised = wait_for(alerts, timeout=60)
        assert all(budget.startswith(f"{plan_id}.") for budget in self.raised)
        assert self.raised[f"{plan_id}.{this}"] == {Decimal(50), Decimal(80), Decimal(100)}
        return events

    def variance(self, plan_id: str, plan: dict[str, Decimal], events: list[dict]) -> None:
        this, actual = self.year.this, monthly(events)
        wait_for(lambda: self.ledger(this, this)[this] == actual[this])
        answer = self.monitor.get(
            f"/v1/budget-plans/{plan_id}/variance", params={"through": this}, headers=self.acme
        )
        report = answer.json()
        gone = [line for line in report["months"] if line["actual"] is not None]
        assert [line["period"] for line in gone] == self.year.months[:6]
        for line in gone:
            assert Decimal(line["actual"]) == actual[line["period"]]
            assert Decimal(line["variance"]) == actual[line["period"]] - plan[line["period"]]
        ytd = report["year_to_date"]
        assert Decimal(ytd["actual"]) == sum(actual[k] for k in self.year.months[:6])
        assert Decimal(ytd["plan"]) == sum(plan[k] for k in self.year.months[:6])
        assert Decimal(ytd["variance"]) == Decimal(ytd["actual"]) - Decimal(ytd["plan"])
        assert report["forecast_method"] == "seasonal"
        ratio = Decimal(ytd["actual"]) / sum(actual[k] for k in self.year.before[:6])
        seventh = self.year.before[6]
        assert Decimal(report["months"][6]["forecast"]) == (actual[seventh] * ratio).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
        print_figures(plan_id, report, sorted(self.raised.items()))


def print_figures(plan_id: str, report: dict, alerts: list) -> None:
    """The figures the closing note reports (run with -s to see them)."""
    print(
        f"\nplan {plan_id} v{report['version']} through {report['through']} "
        f"(forecast: {report['forecast_method']})"
    )
    for line in [*report["months"], report["year_to_date"], report["full_year"]]:
        cells = [line[k] or "-" for k in ("plan", "actual", "forecast", "variance")]
        print(
            f"  {line['period']:<13} plan {cells[0]:>8} actual {cells[1]:>8} "
            f"forecast {cells[2]:>8} variance {cells[3]:>8} ({line['variance_percent'] or '-'} %)"
        )
    print(f"  outturn {report['outturn']}")
    print("  alerts: " + "; ".join(f"{b} {sorted(int(t) for t in ts)}" for b, ts in alerts))
