"""The dashboard's Plans view in real headless Chromium, against the whole platform: a plan
negotiated over the API shows its state and history, its months with actual and forecast
drawn against it, its variance, and its versions side by side; a customer key of another
business unit sees none of it. Screenshots go to build/screenshots/."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from datetime import UTC, datetime

import httpx
import pytest

from chargeback.auth import KeyStore
from chargeback.contracts import Topics
from chargeback.emitter import usage_event
from chargeback.kafka import make_producer
from chargeback.settings import InfraSettings
from chargeback_cli.stack import REPO_ROOT, Stack, StackConfig
from terms.domain import Period

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = REPO_ROOT / "build" / "screenshots"
BOOK = """
version: "plans-browser-1"
effective_from: "2020-01-01T00:00:00Z"
currency: USD
services: {compute: {meters: {cpu_hours: {unit: hour, price: "1"}}}}
cost_centers:
  DIV-1: {name: Division one}
  DEPT-A: {parent: DIV-1}
  DEPT-B: {parent: DIV-1}
customers:
  acme: {name: Acme, cost_center: DEPT-A}
  globex: {name: Globex, cost_center: DEPT-B}
"""


def months_around(now: datetime) -> tuple[list[str], list[str]]:
    """A fiscal year whose sixth month is this one, and the year before it."""
    first = Period.of(now)
    for _ in range(5):
        first = first.previous()
    months = [first]
    while len(months) < 12:
        months.append(months[-1].next())
    return [str(m) for m in months], [f"{m.year - 1}-{m.month:02d}" for m in months]


def event(hours: int, month: str | None, n: str) -> dict:
    when = datetime(int(month[:4]), int(month[5:]), 10, tzinfo=UTC) if month else None
    return usage_event(
        source="browser://plans",
        customer="acme",
        service="compute",
        meter="cpu_hours",
        quantity=str(hours),
        time=when,
        event_id=f"p-{n}",
    )


async def produce(stack: Stack, events: list[dict]) -> None:
    producer = make_producer(stack.kafka)
    await producer.start()
    try:
        for e in events:
            await producer.send(Topics.EVENTS, json.dumps(e).encode(), key=b"acme")
        await producer.flush()
    finally:
        await producer.stop()


def test_the_plans_view_shows_state_months_variance_and_versions(tmp_path):
    if CHROMIUM is None:
        pytest.skip("no `chromium` on PATH (Debian package chromium): browser tests need it")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    book, budgets = tmp_path / "book.yaml", tmp_path / "budgets.yaml"
    book.write_text(BOOK)
    budgets.write_text("budgets: []\n")
    config = StackConfig(run_dir=tmp_path / "run", infra=InfraSettings(_env_file=None),
                         price_book=book, budgets_file=budgets)  # fmt: skip
    with Stack(config).start() as stack:
        plan_id, keys, figures = negotiate(stack)  # before Playwright runs its own event loop
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                errors: list[str] = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                check_plans(stack, page, plan_id, keys, figures)
                assert errors == [], errors
            finally:
                browser.close()


def negotiate(stack: Stack) -> tuple[str, dict[str, str], dict[str, str]]:
    months, before = months_around(datetime.now(UTC))
    history = [event(10 * k, m, f"ly{k}") for k, m in enumerate(before, 1)]
    history += [event(12 * k, m, f"ty{k}") for k, m in enumerate(months[:5], 1)]
    asyncio.run(produce(stack, history))
    store = KeyStore(stack.keys_file)
    keys = {"acme": store.create("customer", name="acme BU", customer="acme")[0],
            "globex": store.create("customer", name="globex BU", customer="globex")[0]}  # fmt: skip
    finance = {"Authorization": f"Bearer {stack.finance_key}"}
    acme = {"Authorization": f"Bearer {keys['acme']}"}
    with httpx.Client(base_url=stack.url("budget-monitor"), timeout=30) as monitor:
        wait_for_ledger(stack, before[0], months[4], len(history))
        proposal = {"customer": "acme", "fiscal_year": int(months[0][:4]),
                    "first_month": int(months[0][5:]), "currency": "USD",
                    "basis": {"kind": "prior_year", "adjust_percent": "10"}, "phasing": "seasonal",
                    "comment": "last year plus 10 %"}  # fmt: skip
        plan = monitor.post("/v1/budget-plans", json=proposal, headers=finance).json()
        base = f"/v1/budget-plans/{plan['id']}"
        counter = {"amount": "800.00", "phasing": "even", "comment": "a flat year for us"}
        assert monitor.post(f"{base}/versions", json=counter, headers=acme).status_code == 201
        assert monitor.post(f"{base}/submit", json={}, headers=acme).status_code == 200
        approved = monitor.post(f"{base}/approve", json={"comment": "ok"}, headers=finance)
        assert approved.json()["state"] == "approved", approved.text
    this_month = [event(40, None, "now")]
    kind = "application/cloudevents-batch+json"
    sent = httpx.post(
        f"{stack.url('metering')}/v1/events",
        content=json.dumps(this_month),
        headers={"Authorization": f"Bearer {stack.emitter_key}", "content-type": kind},
        timeout=30,
    )
    assert sent.status_code == 202
    wait_for_ledger(stack, months[5], months[5], 1)
    # Independent figures: the sixth month's actual is this month's 40 hours at 1 USD; the
    # first month's, 12 hours; 800.00 evenly is 66.67 for the first eight months.
    figures = {"month": months[5], "actual": "USD 40.00", "plan": "USD 66.67",
               "first_actual": "USD 12.00"}  # fmt: skip
    return plan["id"], keys, figures


def wait_for_ledger(stack: Stack, first: str, last: str, charges: int) -> None:
    headers = {"Authorization": f"Bearer {stack.finance_key}"}
    with httpx.Client(base_url=stack.url("billing"), headers=headers, timeout=30) as billing:
        for _ in range(180):
            body = billing.get("/v1/actuals", params={"from": first, "to": last}).json()
            if sum(m["charges"] for m in body["months"]) == charges:
                return
            time.sleep(0.5)
    raise AssertionError(f"the ledger did not reach {charges} charges")


def check_plans(stack: Stack, page, plan_id: str, keys: dict[str, str], figures: dict) -> None:
    from playwright.sync_api import expect

    base = f"{stack.url('billing')}/dashboard/"
    page.goto(f"{base}#/plans")
    page.fill("#api-key", stack.finance_key)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login")).to_be_hidden()
    view = page.locator(f'.plan[data-plan-id="{plan_id}"]')
    expect(view.locator(".plan-head [data-state]")).to_have_text("approved")
    chart = view.locator('svg[aria-label="Plan by month with actual and forecast"]')
    expect(chart.locator(".plan-bar")).to_have_count(12)
    row = view.locator("#plan-variance tbody tr", has_text=figures["month"])
    expect(row.locator("td").nth(2)).to_have_text(figures["actual"])
    expect(chart.locator(".plan-actual-dot")).to_have_count(6)
    expect(chart.locator(".plan-forecast-dot")).to_have_count(6)
    expect(row.locator("td").nth(1)).to_have_text(figures["plan"])
    first = view.locator("#plan-variance tbody tr").first
    expect(first.locator("td").nth(2)).to_have_text(figures["first_actual"])
    versions = view.locator("#plan-versions")
    authors = [f"{name} ({_key_id(stack, name)})" for name in ("demo finance", "acme BU")]
    expect(versions.locator("thead th")).to_have_text(
        ["Month", f"v1 proposal · {authors[0]}", f"v2 counter · {authors[1]}"]
    )
    expect(versions.locator("tbody tr").last).to_contain_text("USD 800.00")
    history = view.locator("#plan-history li")
    expect(history).to_have_count(4)
    expect(history.nth(1)).to_contain_text("a flat year for us")
    page.screenshot(path=str(SCREENSHOTS / "dashboard-09-plans.png"), full_page=True)

    # Another business unit's key sees no plan; the acme key sees its own.
    other = page.context.browser.new_page(viewport={"width": 1400, "height": 900})
    other.goto(f"{base}#/plans")
    other.fill("#api-key", keys["globex"])
    other.click("#login-form button[type=submit]")
    expect(other.get_by_text("No budget plans yet.")).to_be_visible()
    other.close()


def _key_id(stack: Stack, name: str) -> str:
    return next(k.key_id for k in KeyStore(stack.keys_file).all() if k.name == name)
