"""Service costs from a file and the API; allocation to the cent; cost recovery per service."""

from __future__ import annotations

from decimal import Decimal

import pytest
from billing_support import billing_api, configure, store

pytestmark = pytest.mark.integration

COSTS = """
services:
  compute:
    currency: USD
    category: Compute
    fixed: {licences: "600.00", staff: "400.00"}
    variable: {cpu: "0.001"}
    allocation: {method: usage, meter: cpu}
  storage:
    fixed: {hardware: "100.00"}
    allocation: {method: split, shares: {acme: 2, globex: 1}}
    periods:
      "2024-05": {fixed: {hardware: "10.00"}}
"""


@pytest.fixture
async def api(database_url, keys, tmp_path, clock, redis_url):
    costs = tmp_path / "costs.yaml"
    costs.write_text(COSTS)
    async with billing_api(
        database_url, keys, tmp_path, clock, redis_url, costs_file=costs
    ) as running:
        yield running


async def test_fixed_costs_are_allocated_to_the_cent_by_the_stated_rule(api, keys, rated_charge):
    client, ledger, _, _ = api
    store(
        ledger,
        [rated_charge(f"{c}-1", customer=c, quantity="5") for c in ("acme", "globex", "initech")],
    )
    finance = keys.bearer(keys.finance)

    answer = await client.get("/v1/allocation", params={"period": "2024-05"}, headers=finance)
    mine = await client.get(
        "/v1/allocation", params={"period": "2024-05"}, headers=keys.bearer(keys.acme)
    )

    assert answer.status_code == 200, answer.text
    compute, storage = answer.json()
    # 1000.00 / 3 = 333.333...: one cent left over, to the first customer id of the tie.
    assert [(s["customer"], s["amount"]) for s in compute["shares"]] == [
        ("acme", "333.34"), ("globex", "333.33"), ("initech", "333.33"),
    ]  # fmt: skip
    assert sum(Decimal(s["amount"]) for s in compute["shares"]) == Decimal(compute["fixed_cost"])
    assert storage["fixed_cost"] == "10.00"  # May's own definition
    assert [(s["customer"], s["amount"]) for s in storage["shares"]] == [
        ("acme", "6.67"), ("globex", "3.33"),
    ]  # fmt: skip
    assert [s["customer"] for a in mine.json() for s in a["shares"]] == ["acme", "acme"]


async def test_costs_set_through_the_api_win_over_the_file(api, keys):
    client, _, _, _ = api
    finance = keys.bearer(keys.finance)

    even = {"fixed": {"licences": "90.00"}, "allocation": {"method": "even"}}
    put = await client.put("/v1/costs/compute", json=even, headers=finance)
    bad = await client.put("/v1/costs/compute", json={"fixed": {"x": "1.005"}}, headers=finance)
    denied = await client.put("/v1/costs/compute", json={}, headers=keys.bearer(keys.acme))
    listed = await client.get("/v1/costs", headers=finance)

    assert put.status_code == 200
    assert bad.status_code == 422 and "minor units" in bad.json()["detail"]
    assert denied.status_code == 403
    compute = next(c for c in listed.json() if c["service"] == "compute" and c["period"] == "*")
    assert compute["fixed"] == {"licences": "90.00"}


async def test_cost_recovery_sets_income_against_fixed_and_variable_cost(api, keys, rated_charge):
    client, ledger, _, _ = api
    configure(ledger, lab={"kind": "internal", "statement_type": "showback"})
    store(
        ledger,
        [
            rated_charge("a1", quantity="1000", unit_price="0.5", amount="500"),
            rated_charge("a2", quantity="1000", unit_price="0.6", amount="600"),
            rated_charge("l1", customer="lab", quantity="100", amount="50"),
        ],
    )

    answer = await client.get(
        "/v1/cost-recovery", params={"period": "2024-05"}, headers=keys.bearer(keys.finance)
    )

    report = answer.json()
    compute = next(r for r in report["services"] if r["service"] == "compute")
    assert (compute["income"], compute["shown"]) == ("1100", "50")  # showback is not income
    assert (compute["fixed_cost"], compute["variable_cost"]) == ("1000.00", "2.100")
    assert compute["recovery"] == "97.900" and compute["outcome"] == "over"
    assert compute["recovery_percent"] == "109.77"  # 1100 / 1002.1
    storage = next(r for r in report["services"] if r["service"] == "storage")
    assert (storage["income"], storage["recovery"], storage["outcome"]) == ("0", "-10.00", "under")
    (total,) = report["totals"]
    assert (total["income"], total["total_cost"]) == ("1100", "1012.100")
