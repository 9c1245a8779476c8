"""The dashboard as a reader sees it at 1,440 and 800 px: budgets far over their amount keep
their threshold marks apart, percentages are grouped, times carry their zone, the period
filter reaches the budgets, the overview's legend and scales match what is drawn, the
charges drill-down explains a charge of 0, the header fits, and loading shows progress.

Screenshots: build/screenshots/dashboard-<width>-<view>.png.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from test_dashboard_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, wait_until_billed

from chargeback.emitter import usage_event
from chargeback.settings import InfraSettings
from chargeback_cli.stack import Stack, StackConfig

pytestmark = pytest.mark.e2e

WIDTHS = (1440, 800)


def write_config(tmp: Path) -> tuple[Path, Path]:
    book = tmp / "book.yaml"
    book.write_text("""
version: "layout-1"
effective_from: "2020-01-01T00:00:00Z"
currency: USD
services:
  compute:
    meters:
      cpu_hours: {unit: hour, price: "0.05"}
  storage:
    meters:
      requests: {unit: request, pricing: {model: package, size: "1000", price: "0.40"}}
customers:
  acme: {name: Acme Corp, cost_center: CC-1001}
  tokyo: {name: Tokyo KK, cost_center: CC-3003, time_zone: Asia/Tokyo}
""")
    budgets = tmp / "budgets.yaml"
    budgets.write_text("""
budgets:
  - id: acme-tiny
    customer: acme
    amount: "0.01"
    currency: USD
    period: monthly
    thresholds: [50, 80, 100]
  - id: tokyo-quarterly
    customer: tokyo
    amount: "1000.00"
    currency: USD
    period: quarterly
webhooks: []
""")
    return book, budgets


def send(stack: Stack) -> int:
    now = datetime.now(UTC)
    events = [
        usage_event(
            source="layout://c",
            customer="acme",
            service="storage",
            meter="requests",
            quantity="300",
            time=now - timedelta(minutes=n),
        )
        for n in range(4)
    ] + [
        usage_event(
            source="layout://c",
            customer="acme",
            service="compute",
            meter="cpu_hours",
            quantity="50",
            time=now,
        ),
        usage_event(
            source="layout://c",
            customer="tokyo",
            service="compute",
            meter="cpu_hours",
            quantity="10",
            time=now,
        ),
    ]
    answer = httpx.post(
        f"{stack.url('metering')}/v1/events",
        content=json.dumps(events),
        headers={
            "Authorization": f"Bearer {stack.emitter_key}",
            "content-type": "application/cloudevents-batch+json",
        },
        timeout=30,
    )
    assert answer.status_code == 202, answer.text
    return len(events)


def test_dashboard_layout_at_1440_and_800_px(tmp_path: Path) -> None:
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
        period = datetime.now(UTC).strftime("%Y-%m")
        wait_until_billed(stack, period, send(stack))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 900})
                errors: list[str] = []
                page.on("pageerror", lambda error, seen=errors: seen.append(str(error)))
                check_layout(stack, page, width, period)
                assert errors == [], errors
                page.close()
        finally:
            browser.close()


def shot(page, width: int, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"dashboard-{width}-{name}.png"), full_page=True)


def fits(page) -> bool:
    """Nothing wider than the window: no sideways scrolling, the top bar within itself."""
    return page.evaluate("""() => {
        const bar = document.querySelector('.topbar');
        return document.documentElement.scrollWidth <= window.innerWidth
            && bar.scrollWidth <= bar.clientWidth + 1;
    }""")


def check_layout(stack: Stack, page, width: int, period: str) -> None:
    from playwright.sync_api import expect

    base = f"{stack.url('billing')}/dashboard/"
    # Loading shows progress: the overview's spend is held back for a moment.
    page.route("**/v1/spend*", lambda route: (page.wait_for_timeout(1200), route.continue_()))
    page.goto(f"{base}#/spend?period={period}")
    page.fill("#api-key", stack.finance_key)
    page.click("#login-form button[type=submit]")
    expect(page.locator(".loading progress")).to_be_visible()
    expect(page.locator(".loading-step")).to_contain_text("spend")
    shot(page, width, "loading")
    expect(page.locator("[data-kpi=total] .kpi-value")).to_be_visible(timeout=20_000)
    page.unroute("**/v1/spend*")
    assert fits(page), "the page is wider than the window"

    # Overview: every legend entry is drawn; the per-day bars have their scale; times zoned.
    forecast_drawn = page.locator("svg.trend-chart .forecast-line").count() == 1
    expect(page.locator(".legend-forecast")).to_have_count(1 if forecast_drawn else 0)
    expect(page.locator("svg.trend-chart .daily-axis")).to_have_count(2)
    expect(page.locator(".days-note")).to_contain_text("time zone that cut its billing period")
    expect(page.locator(".as-of")).to_contain_text("UTC")
    shot(page, width, "overview")

    # Budgets: 0.01 USD with about 2.90 USD spent, far over: the marks stay apart.
    page.click("nav.tabs a[data-view=budgets]")
    card = page.locator('.budget[data-budget-id="acme-tiny"]')
    expect(card.locator(".spent")).to_contain_text(re.compile(r"[0-9]{2},[0-9]{3}\.[0-9] %"))
    expect(card.locator(".budget-overflow")).to_have_count(1)
    marks = sorted(
        float(x)
        for x in card.locator("line.threshold").evaluate_all(
            "lines => lines.map(l => l.getAttribute('x1'))"
        )
    )
    assert len(marks) == 3 and min(b - a for a, b in itertools.pairwise(marks)) > 100, marks
    expect(page.locator('.budget[data-budget-id="tokyo-quarterly"] .period')).to_contain_text("-Q")
    assert fits(page)
    shot(page, width, "budgets")
    # The period filter reaches the budgets: last year's month shows that period, nothing spent.
    earlier = f"{int(period[:4]) - 1}{period[4:]}"
    page.goto(f"{base}#/budgets?period={earlier}")
    expect(card.locator(".period")).to_contain_text(earlier)
    expect(card.locator(".spent strong")).to_have_text("USD 0.00")

    # Charges behind the package line: blocks paid once, a charge of 0 says why.
    page.goto(f"{base}#/charges?period={period}&customer=acme&service=storage&meter=requests")
    expect(page.locator("#charges tbody tr")).to_have_count(4)
    amounts = page.locator("#charges").evaluate("""table => {
        const at = [...table.tHead.rows[0].cells].findIndex(c => c.textContent === 'Amount');
        return [...table.tBodies[0].rows].map(r => r.cells[at].textContent);
    }""")
    expect(page.locator("#charges .breakdown").first).to_contain_text("package")
    assert "USD 0" in amounts and "USD 0.4" in amounts, amounts
    assert not any("0.0000000" in a for a in amounts)
    expect(page.locator("#charges tbody tr").first).to_contain_text("UTC")
    shot(page, width, "charges")
