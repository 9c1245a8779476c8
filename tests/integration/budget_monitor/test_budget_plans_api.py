"""Budget plans end to end on real SQL (SQLite and PostgreSQL), Redis and billing's ledger:
proposed from last year's actuals and phased by their seasons, negotiated with the business
unit, approved into monitored budgets, tracked for variance against the ledger."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from plan_testkit import NOW, TERMS, platform, rated

from budget_monitor.domain import ChargeFacts, evaluate
from chargeback.web import AUTH_REFUSALS

pytestmark = pytest.mark.integration
D = Decimal


def month(year: int, number: int, day: int = 10) -> datetime:
    return datetime(year, number, day, 9, tzinfo=UTC)


# The ledger's rows: (customer, service, quantity, time). compute costs 1 an hour, storage
# 0.5 a GB, so each amount is known. acme is in DEPT-A (division one) throughout; globex in
# DEPT-B, division one until March 2026, then division two; initech in division two.
ROWS = [
    *[("acme", "compute", str(10 * m), month(2025, m)) for m in range(1, 13)],
    *[("globex", "storage", "41", month(2025, m)) for m in range(1, 13)],
    *[("initech", "compute", "1000", month(2025, m)) for m in range(1, 13)],
    *[("acme", "compute", str(q), month(2026, m)) for m, q in enumerate((30, 40, 50, 60), 1)],
    ("acme", "compute", "25", month(2026, 5)),
    *[("globex", "storage", "100", month(2026, m)) for m in range(1, 6)],
    ("initech", "compute", "999", month(2026, 2)),
]
PRICE = {"compute": D(1), "storage": D("0.5")}


def node_actuals(node: str) -> dict[str, Decimal]:
    """The test's own sums: per month, rows whose cost centre was under `node` at their time."""
    found: dict[str, Decimal] = {}
    for customer, service, quantity, when in ROWS:
        path = TERMS.in_force_at(when).customer(customer).cost_center_path
        if node in path:
            key = f"{when:%Y-%m}"
            found[key] = found.get(key, D(0)) + D(quantity) * PRICE[service]
    return found


def largest_remainder(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Written from the stated rule: whole cents of each quota, the cents left to the
    largest remainders, ties to the larger weight, then the earlier month."""
    cents = int(total * 100)
    quotas = [D(cents) * w / sum(weights) for w in weights]
    floors = [int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - floors[i]), -weights[i], i))
    for i in order[: cents - sum(floors)]:
        floors[i] += 1
    return [D(f) / 100 for f in floors]


PLAN = {
    "cost_center": "DIV-1",
    "fiscal_year": 2026,
    "currency": "USD",
    "basis": {"kind": "prior_year", "adjust_percent": "7.5"},
    "phasing": "seasonal",
    "variance_threshold_percent": "10",
    "comment": "FY2026: last year plus 7.5 %",
}


async def test_a_plan_is_proposed_negotiated_approved_and_tracked(
    tmp_path, database_url, redis_url
):
    async with platform(tmp_path, database_url, redis_url) as p:
        p.store([rated(*row) for row in ROWS])
        last_year = [node_actuals("DIV-1")[f"2025-{m:02d}"] for m in range(1, 13)]
        assert last_year[0] == D("30.5")  # 10 compute hours + 41 GB of storage

        made = await p.call("POST", "/v1/budget-plans", json=PLAN)
        assert made.status_code == 201, made.text
        plan = made.json()
        plan_id = plan["id"]
        amount = D("1102.95")  # 1026 x 1.075, exact
        assert D(plan["version"]["amount"]) == amount == (sum(last_year) * D("1.075"))
        phased = [D(m["amount"]) for m in plan["version"]["months"]]
        assert phased == largest_remainder(amount, last_year)
        assert phased[:4] == [D("32.78"), D("43.53"), D("54.28"), D("65.04")]
        assert sum(phased) == amount and plan["state"] == "draft"

        await negotiate(p, plan_id)
        await approved_into_budgets(p, plan_id)
        await variance_against_the_ledger(p, plan_id)
        await reforecast(p, plan_id)


async def negotiate(p, plan_id: str) -> None:
    overlap = await p.call("POST", "/v1/budget-plans", json=PLAN | {"basis": None, "amount": "9"})
    assert overlap.status_code == 409 and plan_id in overlap.json()["detail"]
    listed = (await p.call("GET", "/v1/budget-plans")).json()["plans"]
    assert [plan["id"] for plan in listed] == [plan_id]  # nothing was added

    months = {f"2026-{m:02d}": "91.00" for m in range(1, 13)}  # 1092.00, not 1102.95
    uneven = {"amount": "1102.95", "phasing": "explicit", "months": months, "comment": "x"}
    refused = await p.call("POST", f"/v1/budget-plans/{plan_id}/versions", "acme", json=uneven)
    assert refused.status_code == 422
    (error,) = refused.json()["errors"]  # the platform's one error shape
    assert error["field"] == "body.months" and "10.95 apart" in error["reason"]

    counter = {"amount": "1000.00", "phasing": "even", "comment": "project Z is cut"}
    # globex's department moved to division two in March: not of this unit any more.
    for outsider in ("globex", "initech"):
        answer = await p.call(
            "POST", f"/v1/budget-plans/{plan_id}/versions", outsider, json=counter
        )
        assert answer.status_code == 403, outsider
    no_comment = await p.call(
        "POST", f"/v1/budget-plans/{plan_id}/versions", "acme", json=counter | {"comment": ""}
    )
    assert no_comment.status_code == 422
    countered = await p.call("POST", f"/v1/budget-plans/{plan_id}/versions", "acme", json=counter)
    assert countered.status_code == 201, countered.text
    assert countered.json()["version"]["kind"] == "counter"
    assert countered.json()["version"]["author"].startswith("acme BU")

    submitted = await p.call("POST", f"/v1/budget-plans/{plan_id}/submit", "acme", json={})
    assert submitted.json()["state"] == "submitted"
    forbidden = await p.call("POST", f"/v1/budget-plans/{plan_id}/approve", "acme", json={})
    assert forbidden.status_code == 403 and "only finance" in forbidden.json()["detail"]
    stale = await p.call("POST", f"/v1/budget-plans/{plan_id}/approve", json={"version": 1})
    assert stale.status_code == 409 and "not its latest" in stale.json()["detail"]
    still = await p.call("GET", f"/v1/budget-plans/{plan_id}")
    assert (still.json()["state"], still.json()["versions"]) == ("submitted", 2)

    versions = (await p.call("GET", f"/v1/budget-plans/{plan_id}/versions", "acme")).json()
    assert [(v["number"], v["kind"], v["comment"]) for v in versions["versions"]] == [
        (1, "proposal", "FY2026: last year plus 7.5 %"),
        (2, "counter", "project Z is cut"),
    ]
    diff = (await p.call("GET", f"/v1/budget-plans/{plan_id}/diff")).json()
    assert (diff["before"]["version"], diff["after"]["version"]) == (1, 2)
    assert D(diff["full_year"]["change"]) == D("-102.95")
    assert diff["months"][0] == {
        "period": "2026-01", "before": "32.78", "after": "83.34", "change": "50.56",
        "change_percent": "154.24",
    }  # fmt: skip
    hidden = await p.call("GET", f"/v1/budget-plans/{plan_id}", "initech")
    assert hidden.status_code == 403


async def approved_into_budgets(p, plan_id: str) -> None:
    approved = await p.call(
        "POST", f"/v1/budget-plans/{plan_id}/approve", json={"version": 2, "comment": "agreed"}
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved"
    assert [e["action"] for e in approved.json()["history"]] == [
        "propose", "counter", "submit", "approve",
    ]  # fmt: skip
    budgets = {b["id"]: b for b in (await p.call("GET", "/v1/budgets")).json()["budgets"]}
    mine = {i: b for i, b in budgets.items() if i.startswith(f"{plan_id}.")}
    assert len(mine) == 25  # 12 months, the year, 12 year-to-date
    may = mine[f"{plan_id}.2026-05"]
    assert (may["amount"], may["cost_center"], may["origin"]) == ("83.33", "DIV-1", "plan")
    assert mine[f"{plan_id}.ytd.2026-05"]["thresholds"] == ["110"]
    assert mine[f"{plan_id}.ytd.2026-05"]["amount"] == "416.69"  # 4 x 83.34 + 83.33

    late = await p.call(
        "POST", f"/v1/budget-plans/{plan_id}/versions", "acme", json={"amount": "5", "comment": "x"}
    )
    assert late.status_code == 409 and "approved" in late.json()["detail"]

    # The monitored budgets count every department below the node, by each charge's path:
    # globex's February counts (department B was in division one), its May does not.
    book = p.monitor_app.state.parts.registry.book
    charges = [
        rated("globex", "storage", "10", month(2026, 2)),
        rated("globex", "storage", "20", month(2026, 5)),
        rated("acme", "compute", "7", month(2026, 5)),
    ]
    facts = [
        ChargeFacts(c.event_key, c.event_id, c.customer, c.service, c.amount, c.currency,
                    c.event_time, c.cost_center, tuple(c.cost_center_path))
        for c in charges
    ]  # fmt: skip
    totals = evaluate(facts, book, {}, set()).own_totals
    assert totals[(f"{plan_id}.2026-02", "2026-02-01/2026-03-01")] == D(5)
    assert totals[(f"{plan_id}.2026-05", "2026-05-01/2026-06-01")] == D(7)
    assert totals[(f"{plan_id}.year", "2026-01-01/2027-01-01")] == D(12)


async def variance_against_the_ledger(p, plan_id: str) -> None:
    answer = await p.call("GET", f"/v1/budget-plans/{plan_id}/variance?through=2026-04", "acme")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    actual = node_actuals("DIV-1")
    plan = {f"2026-{m:02d}": D("83.34") if m <= 4 else D("83.33") for m in range(1, 13)}
    for line in body["months"][:4]:
        period = line["period"]
        assert D(line["actual"]) == actual[period]
        assert D(line["variance"]) == actual[period] - plan[period]
    # globex counts in January and February only (its department moved in March).
    assert [D(line["actual"]) for line in body["months"][:4]] == [D(80), D(90), D(50), D(60)]
    ytd = body["year_to_date"]
    assert D(ytd["actual"]) == sum(actual[f"2026-0{m}"] for m in range(1, 5)) == D(280)
    assert (D(ytd["plan"]), D(ytd["variance"]), ytd["variance_percent"]) == (
        D("333.36"),
        D("-53.36"),
        "-16.01",
    )
    assert body["forecast_method"] == "seasonal"
    last = sum(node_actuals("DIV-1")[f"2025-0{m}"] for m in range(1, 5))  # 182
    may = (node_actuals("DIV-1")["2025-05"] * D(280) / last).quantize(D("0.01"))
    assert D(body["months"][4]["forecast"]) == may
    outturn = D(280) + sum(D(line["forecast"]) for line in body["months"][4:])
    assert D(body["outturn"]) == outturn
    assert D(body["full_year"]["variance"]) == outturn - D("1000.00")
    assert [d["key"] for d in body["by_customer"]] == ["acme", "globex"]

    csv = await p.call("GET", f"/v1/budget-plans/{plan_id}/variance?through=2026-04&format=csv")
    assert csv.headers["content-type"].startswith("text/csv")
    rows = csv.text.splitlines()
    assert rows[0] == "period,plan,actual,forecast,variance,variance_percent,last_year"
    assert rows[1] == "2026-01,83.34,80.0,,-3.34,-4.01,30.5"  # exact sums keep their scale
    assert rows[13] == "year_to_date,333.36,280.0,,-53.36,-16.01,182.0"
    bad = await p.call("GET", f"/v1/budget-plans/{plan_id}/variance?through=2027-01")
    assert bad.status_code == 422 and "through" in str(bad.json())


async def reforecast(p, plan_id: str) -> None:
    body = {
        "cost_center": "DIV-1", "fiscal_year": 2026, "currency": "USD", "amount": "1200.00",
        "supersedes": plan_id, "comment": "re-forecast after Q1",
    }  # fmt: skip
    made = await p.call("POST", "/v1/budget-plans", json=body)
    assert made.status_code == 201, made.text
    new_id = made.json()["id"]
    assert made.json()["lineage"] == plan_id
    diff = (await p.call("GET", f"/v1/budget-plans/{new_id}/diff")).json()
    assert (diff["before"]["plan_id"], diff["before"]["version"]) == (plan_id, 2)
    assert D(diff["full_year"]["change"]) == D(200)
    await p.call("POST", f"/v1/budget-plans/{new_id}/submit", json={})
    approved = await p.call("POST", f"/v1/budget-plans/{new_id}/approve", json={})
    assert approved.json()["state"] == "approved"
    original = (await p.call("GET", f"/v1/budget-plans/{plan_id}")).json()
    assert original["state"] == "superseded" and original["version"]["amount"] == "1000.00"
    budgets = {b["id"]: b for b in (await p.call("GET", "/v1/budgets")).json()["budgets"]}
    assert budgets[f"{plan_id}.2026-06"]["amount"] == "100.00"  # the same budget, updated
    assert NOW.year == 2026


BAD_BODIES = [
    ({"amount": "1E+400"}, 422, "amount"),
    ({"amount": "10.001"}, 422, "amount"),
    ({"amount": 12.5}, 422, "amount"),
    ({"currency": "XXX"}, 422, "currency"),
    ({"time_zone": "Mars/Olympus"}, 422, "time_zone"),
    ({"first_month": 13}, 422, "first_month"),
    ({"fiscal_year": 2999, "first_month": 2}, 422, "fiscal_year"),
    ({"customer": "acme"}, 422, "cost_center"),  # a customer and a cost centre at once
    ({"phasing": "seasonal", "basis": None}, 422, "phasing"),  # no actuals for 2031
    ({"basis": {"kind": "prior_year", "adjust_percent": "-100"}}, 422, "adjust_percent"),
    ({"months": {"2031-01": "1"}}, 422, "months"),
    ({"thresholds": ["0"]}, 422, "thresholds"),
    ({"variance_threshold_percent": "-1"}, 422, "variance_threshold_percent"),
    ({"supersedes": "pln_nothing"}, 422, "supersedes"),
    ({"id": "x" * 65}, 422, "id"),
]


async def test_bad_plans_are_refused_naming_the_field_and_nothing_is_kept(
    tmp_path, database_url, redis_url
):
    base = {"cost_center": "DIV-1", "fiscal_year": 2031, "currency": "USD", "amount": "12.00"}
    async with platform(tmp_path, database_url, redis_url) as p:
        for change, status, field in BAD_BODIES:
            body = {k: v for k, v in (base | change).items() if v is not None}
            answer = await p.call("POST", "/v1/budget-plans", json=body)
            assert answer.status_code == status, (change, answer.text)
            assert field in str(answer.json()["detail"]), (change, answer.text)
        refusals = AUTH_REFUSALS.labels("forbidden")._value.get()
        assert (await p.call("POST", "/v1/budget-plans", "acme", json=base)).status_code == 403
        assert AUTH_REFUSALS.labels("forbidden")._value.get() == refusals + 1  # counted
        assert (await p.call("GET", "/v1/budget-plans")).json()["plans"] == []
        missing = await p.call("GET", "/v1/budget-plans/pln_nothing/variance")
        assert missing.status_code == 404
