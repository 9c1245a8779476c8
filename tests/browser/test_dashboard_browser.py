"""The billing-ops dashboard in real headless Chromium, against the whole platform.

The platform starts as `make run` starts it (chargeback_cli.stack.Stack); usage goes in over
the metering API; the page must then show the totals computed here independently, a
budget alert arriving live without a reload, and an invoice line drilled down to its
events. Screenshots go to build/screenshots/ (test artefacts, git-ignored).
"""

from __future__ import annotations

import json
import shutil
import time
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import httpx
import pytest

from chargeback.auth import KeyStore
from chargeback.emitter import usage_event
from chargeback.settings import InfraSettings
from chargeback_cli.stack import REPO_ROOT, Stack, StackConfig

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
PRICES = {("compute", "cpu_hours"): Decimal("0.0417"), ("storage", "gb_hours"): Decimal("0.00013")}
CENT = Decimal("0.01")
LIVE_WAIT_MS = 60_000


def write_config(tmp: Path) -> tuple[Path, Path]:
    book = tmp / "book.yaml"
    book.write_text(f"""
version: "browser-1"
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
  acme: {{name: Acme Corp, cost_center: CC-1001}}
  globex: {{name: Globex, cost_center: CC-2002}}
""")
    budgets = tmp / "budgets.yaml"
    budgets.write_text("""
budgets:
  - id: acme-monthly
    customer: acme
    amount: "10.00"
    currency: USD
    period: monthly
    thresholds: [50, 80, 100]
webhooks: []
""")
    return book, budgets


def usage(customer: str, service: str, meter: str, quantity: str, count: int) -> list[dict]:
    now = datetime.now(UTC)
    return [
        usage_event(
            source="browser://cluster",
            customer=customer,
            service=service,
            meter=meter,
            quantity=quantity,
            time=now,
        )
        for _ in range(count)
    ]


def exact_spend(events: list[dict], **match: str) -> Decimal:
    """Independent of the platform: price each event, add exactly."""
    total = Decimal(0)
    for e in events:
        fields = {"customer": e["subject"], "service": e["data"]["service"]}
        if all(fields[k] == v for k, v in match.items()):
            key = (e["data"]["service"], e["data"]["meter"])
            total += Decimal(e["data"]["quantity"]) * PRICES[key]
    return total


def shown(amount: Decimal) -> str:
    """As the page shows an amount: rounded once, half up, grouped."""
    return f"USD {amount.quantize(CENT, ROUND_HALF_UP):,}"


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"dashboard-{name}.png"), full_page=True)


def test_dashboard_shows_totals_live_alerts_and_drill_down(tmp_path):
    if CHROMIUM is None:
        pytest.skip("no `chromium` on PATH (Debian package chromium): browser tests need it")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    book, budgets = write_config(tmp_path)
    config = StackConfig(
        run_dir=tmp_path / "run",
        infra=InfraSettings(_env_file=None),
        price_book=book,
        budgets_file=budgets,
    )
    with Stack(config).start() as stack, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            check_dashboard(stack, page)
            assert errors == [], errors
        finally:
            browser.close()


def check_dashboard(stack: Stack, page) -> None:
    from playwright.sync_api import expect

    period = datetime.now(UTC).strftime("%Y-%m")
    base = f"{stack.url('billing')}/dashboard/"

    # Sign in: a wrong key is refused with a reason, the finance key opens the page.
    page.goto(f"{base}#/alerts?period={period}")
    page.fill("#api-key", "cbk_not-a-key")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login-error")).to_contain_text("unknown or revoked")
    shot(page, "01-sign-in")
    page.fill("#api-key", stack.finance_key)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login")).to_be_hidden()
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=15_000)
    expect(page.get_by_text("No alerts yet.")).to_be_visible()
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads

    # Usage: acme 120 cpu hours (5.004, crossing 50 % of its 10.00 budget) and some storage.
    events = usage("acme", "compute", "cpu_hours", "4", 30)
    events += usage("acme", "storage", "gb_hours", "1000", 5)
    events += usage("globex", "storage", "gb_hours", "12345.678", 20)
    with httpx.Client(base_url=stack.url("metering"), timeout=30) as metering:
        answer = metering.post(
            "/v1/events",
            content=json.dumps(events),
            headers={
                "Authorization": f"Bearer {stack.emitter_key}",
                "content-type": "application/cloudevents-batch+json",
            },
        )
    assert answer.status_code == 202, answer.text

    # The alert arrives while the page is open, newest first, without a reload.
    alert = page.locator(".alert-item", has_text="acme-monthly crossed 50 % of its budget")
    expect(alert).to_be_visible(timeout=LIVE_WAIT_MS)
    assert page.evaluate("window.loadedOnce") is True
    expect(page.locator(".alert-item").first).to_contain_text("acme-monthly")
    shot(page, "02-alert-live")

    wait_until_billed(stack, period, len(events))
    page.click("nav.tabs a[data-view=spend]")
    total = exact_spend(events)
    expect(page.locator("[data-kpi=total] .kpi-value")).to_have_text(shown(total))
    for customer in ("acme", "globex"):
        bar = page.locator(f'svg[aria-label="Spend by customer"] [data-key="{customer}"]')
        expected = shown(exact_spend(events, customer=customer))
        expect(bar.locator(".bar-value")).to_have_text(expected)
    for service in ("compute", "storage"):
        bar = page.locator(f'svg[aria-label="Spend by service"] [data-key="{service}"]')
        expect(bar.locator(".bar-value")).to_have_text(shown(exact_spend(events, service=service)))
    expect(page.locator("svg.trend-chart .daily-bar.today")).to_have_count(1)
    shot(page, "03-overview")

    # A filter is part of the address: it survives a reload (the key is kept for the tab).
    page.select_option("#f-customer", "acme")
    expect(page).to_have_url(f"{base}#/spend?period={period}&customer=acme")
    page.reload()
    acme = exact_spend(events, customer="acme")
    expect(page.locator("[data-kpi=total] .kpi-value")).to_have_text(shown(acme))
    expect(page.locator("#f-customer")).to_have_value("acme")

    # Budgets: actual against the amount, the crossed threshold named.
    page.click("nav.tabs a[data-view=budgets]")
    card = page.locator('.budget[data-budget-id="acme-monthly"]')
    expect(card.locator(".spent")).to_contain_text(f"{shown(acme)} of USD 10.00")
    expect(card.locator(".crossed")).to_have_text("Crossed 50 %")
    expect(card.locator(".threshold")).to_have_count(3)
    shot(page, "04-budgets")

    # Invoices: acme's draft, its compute line, the events behind that line.
    page.click("nav.tabs a[data-view=invoices]")
    page.locator("#invoice-list a", has_text="Acme Corp").click()
    invoice_total = sum(
        exact_spend(events, customer="acme", service=s).quantize(CENT, ROUND_HALF_UP)
        for s in ("compute", "storage")
    )
    expect(page.locator("[data-fact=total] dd")).to_have_text(shown(invoice_total))
    shot(page, "05-invoice")
    page.locator("#invoice-lines tr", has_text="cpu_hours").locator("a.drill").click()
    expect(page.locator("#charges tbody tr")).to_have_count(30)
    ids = set(page.locator("#charges .event-id").all_text_contents())
    assert ids == {e["id"] for e in events[:30]}  # acme's compute events
    shot(page, "06-charges")

    # A customer key sees its own customer only, whatever the address asks for.
    plain, _ = KeyStore(stack.keys_file).create("customer", name="acme viewer", customer="acme")
    viewer = page.context.browser.new_page(viewport={"width": 1400, "height": 900})
    viewer.goto(f"{base}#/spend?period={period}&customer=globex")
    viewer.fill("#api-key", plain)
    viewer.click("#login-form button[type=submit]")
    expect(viewer.locator("[data-kpi=total] .kpi-value")).to_have_text(shown(acme))
    expect(viewer.locator("#f-customer")).to_be_disabled()
    expect(viewer.locator("svg[aria-label='Spend by customer'] [data-key]")).to_have_count(1)
    viewer.close()

    # Empty period, then a dead budget monitor, then a dead billing: each says so.
    page.goto(f"{base}#/spend?period=2020-01")
    expect(page.get_by_text("No rated usage in January 2020")).to_be_visible()
    stack.processes["budget-monitor"].kill()
    page.click("nav.tabs a[data-view=budgets]")
    expect(page.locator(".notice-error")).to_contain_text("budget monitor does not answer")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "down", timeout=15_000)
    shot(page, "07-monitor-down")
    stack.processes["billing"].kill()
    page.click("nav.tabs a[data-view=spend]")
    expect(page.locator(".notice-error")).to_contain_text("Cannot reach billing")
    shot(page, "08-billing-down")


def wait_until_billed(stack: Stack, period: str, count: int, timeout: float = 60.0) -> None:
    """Until every charge is in the ledger (so the page's figures are final)."""
    headers = {"Authorization": f"Bearer {stack.finance_key}"}
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=stack.url("billing"), headers=headers, timeout=10) as billing:
        while time.monotonic() < deadline:
            answer = billing.get("/v1/spend", params={"period": period})
            if answer.status_code == 200 and answer.json()["charges"] == count:
                return
            time.sleep(0.5)
    raise AssertionError(f"billing did not record {count} charges within {timeout}s")
