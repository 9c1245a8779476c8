"""Spend rolls up the cost-centre tree (GET /v1/cost-centers, /v1/spend, /v1/actuals), by
the path each charge carries: a change of the tree counts from its version's date only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from billing_support import Clock, billing_api, catalog_of, price_book, store

pytestmark = pytest.mark.integration

CUSTOMERS = {
    "acme": {"cost_center": "DEPT-A"},
    "globex": {"cost_center": "DEPT-B"},
    "initech": {"cost_center": "DIV-2"},
    "hooli": {"name": "Hooli"},  # in no cost centre
}
TREE = {
    "HOLDING": {"name": "Holding"},
    "DIV-1": {"name": "Division one", "parent": "HOLDING"},
    "DIV-2": {"name": "Division two", "parent": "HOLDING"},
    "DEPT-A": {"parent": "DIV-1"},
    "DEPT-B": {"parent": "DIV-1"},
}
V1 = price_book(CUSTOMERS, version="tree-1", cost_centers=TREE)
# From May 16 the department DEPT-B belongs to division two.
V2 = price_book(
    CUSTOMERS,
    version="tree-2",
    effective_from="2024-05-16T00:00:00Z",
    cost_centers={**TREE, "DEPT-B": {"parent": "DIV-2"}},
)
TERMS = catalog_of(V1, V2)


def may(day: int) -> datetime:
    return datetime(2024, 5, day, 12, tzinfo=UTC)


# (event id, customer, amount, time): rows of the ledger, as rating made them under TERMS.
ROWS = [
    ("a-apr", "acme", "7", datetime(2024, 4, 20, tzinfo=UTC)),
    ("a1", "acme", "1.5", may(2)),
    ("g-before", "globex", "2", may(10)),  # DEPT-B under DIV-1 then
    ("g-after", "globex", "4", may(20)),  # DEPT-B under DIV-2 by now
    ("i1", "initech", "3", may(21)),
    ("h1", "hooli", "0.25", may(22)),
]


@pytest.fixture
async def api(database_url, keys, tmp_path, redis_url, rated_charge) -> AsyncIterator:
    clock = Clock(datetime(2024, 6, 10, tzinfo=UTC))
    async with billing_api(
        database_url, keys, tmp_path, clock, redis_url, book=V1, later=(V2,)
    ) as (client, ledger, _, _):
        charges = [
            rated_charge(e, terms=TERMS, customer=c, amount=a, event_time=t) for e, c, a, t in ROWS
        ]
        store(ledger, charges)
        yield client


def independent(node: str, period: str) -> Decimal:
    """The test's own sum: rows whose path (as the terms at their time state it) names node."""
    total = Decimal(0)
    for _, customer, amount, moment in ROWS:
        path = TERMS.in_force_at(moment).customer(customer).cost_center_path
        if f"{moment:%Y-%m}" == period and node in path:
            total += Decimal(amount)
    return total


async def test_each_node_shows_its_own_spend_and_everything_below_it(api, keys):
    answer = await api.get(
        "/v1/cost-centers", params={"period": "2024-05"}, headers=keys.bearer(keys.finance)
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    nodes = {n["id"]: n for n in body["nodes"]}
    assert body["price_book_version"] == "tree-2"  # the tree of the terms closing May
    assert [(n["id"], n["depth"]) for n in body["nodes"]] == [
        ("HOLDING", 0),
        ("DIV-1", 1),
        ("DEPT-A", 2),
        ("DIV-2", 1),
        ("DEPT-B", 2),
    ]
    for node in nodes:
        assert Decimal(nodes[node]["total"]) == independent(node, "2024-05"), node
    assert (nodes["DIV-1"]["total"], nodes["DIV-2"]["total"]) == ("3.5", "7")
    assert (nodes["DIV-2"]["own"], nodes["HOLDING"]["total"]) == ("3", "10.5")
    assert nodes["DIV-1"]["customers"] == [
        {"customer": "acme", "amount": "1.5"},
        {"customer": "globex", "amount": "2"},  # before the move only
    ]
    assert (body["unassigned"], body["unassigned_charges"]) == ("0.25", 1)


async def test_spend_and_actuals_at_a_node_count_every_department_below_it(api, keys):
    finance = keys.bearer(keys.finance)
    spend = await api.get(
        "/v1/spend", params={"period": "2024-05", "cost_center": "DIV-1"}, headers=finance
    )
    assert spend.json()["exact_total"] == "3.5"
    answer = await api.get(
        "/v1/actuals",
        params={"from": "2024-04", "to": "2024-06", "cost_center": "DIV-1"},
        headers=finance,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [(m["period"], m["amount"], m["charges"]) for m in body["months"]] == [
        ("2024-04", "7", 1),
        ("2024-05", "3.5", 2),
        ("2024-06", "0", 0),
    ]
    assert [(d["period"], d["customer"], d["service"], d["amount"]) for d in body["detail"]] == [
        ("2024-04", "acme", "compute", "7"),
        ("2024-05", "acme", "compute", "1.5"),
        ("2024-05", "globex", "compute", "2"),
    ]


async def test_a_customer_key_reads_only_its_own_charges(api, keys):
    own = await api.get(
        "/v1/cost-centers", params={"period": "2024-05"}, headers=keys.bearer(keys.acme)
    )
    nodes = {n["id"]: n for n in own.json()["nodes"]}
    assert nodes["HOLDING"]["total"] == "1.5" and own.json()["customer"] == "acme"
    other = await api.get(
        "/v1/actuals",
        params={"from": "2024-04", "to": "2024-05", "customer": "globex"},
        headers=keys.bearer(keys.acme),
    )
    assert other.status_code == 403
    emitter = await api.get(
        "/v1/cost-centers", params={"period": "2024-05"}, headers=keys.bearer(keys.emitter)
    )
    assert emitter.status_code == 403


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"from": "2024-06", "to": "2024-04"}, 400, "before"),
        ({"from": "2020-01", "to": "2024-04"}, 400, "at most 36 months"),
        ({"from": "2024-13", "to": "2024-04"}, 400, "month"),
        ({"from": "2024-01", "to": "2024-04", "currency": "XXX"}, 422, "currency"),
        ({"from": "2024-01", "to": "2024-04", "cost_center": "no spaces"}, 422, "cost_center"),
    ],
)
async def test_bad_ranges_are_refused_with_the_reason(api, keys, params, status, words):
    answer = await api.get("/v1/actuals", params=params, headers=keys.bearer(keys.finance))
    assert answer.status_code == status, answer.text
    assert words in str(answer.json()["detail"])


async def test_a_month_before_the_change_rolls_up_as_its_charges_say(api, keys):
    tree = await api.get(
        "/v1/cost-centers", params={"period": "2024-04"}, headers=keys.bearer(keys.finance)
    )
    nodes = {n["id"]: n["total"] for n in tree.json()["nodes"]}
    assert nodes == {"HOLDING": "7", "DIV-1": "7", "DIV-2": "0", "DEPT-A": "7", "DEPT-B": "0"}
