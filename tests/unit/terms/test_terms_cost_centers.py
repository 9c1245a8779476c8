"""The cost-centre tree is a term: checked with the price book, carried by every charge,
and changed only by a version, from its effective date on."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from chargeback.contracts import UsageData, UsageEvent
from terms.adapters.files import load_catalog, parse_price_book
from terms.domain import PriceBookCatalog, PriceBookInvalid

TREE_V1 = """
version: "{version}"
effective_from: "{since}"
currency: USD
services:
  compute: {{meters: {{cpu_hours: {{unit: hour, price: "0.50"}}}}}}
cost_centers:
  HOLDING: {{name: Holding}}
  DIV-1: {{name: Division one, parent: HOLDING}}
  DIV-2: {{name: Division two, parent: HOLDING}}
  DEPT-A: {{parent: DIV-1}}
  DEPT-B: {{parent: {dept_b_parent}}}
customers:
  alpha: {{cost_center: DEPT-A}}
  beta: {{cost_center: DEPT-B}}
  gamma: {{}}
"""


def tree_book(version: str = "t1", since: str = "2026-01-01T00:00:00Z", dept_b: str = "DIV-1"):
    return parse_price_book(TREE_V1.format(version=version, since=since, dept_b_parent=dept_b))


def event(customer: str, when: datetime) -> UsageEvent:
    data = UsageData(service="compute", meter="cpu_hours", quantity=Decimal(2))
    return UsageEvent(
        specversion="1.0",
        type="dev.chargeback.usage.v1",
        id=f"{customer}-{when:%m%d}",
        source="t://x",
        subject=customer,
        time=when,
        data=data,
    )


def test_a_node_path_runs_from_the_node_to_its_root() -> None:
    book = tree_book()
    assert book.cost_centers.path("DEPT-B") == ("DEPT-B", "DIV-1", "HOLDING")
    assert book.cost_centers.path("HOLDING") == ("HOLDING",)
    assert book.cost_centers.children("HOLDING") == ["DIV-1", "DIV-2"]
    assert book.customers["alpha"].cost_center_path == ("DEPT-A", "DIV-1", "HOLDING")
    assert book.customers["gamma"].cost_center_path == ()


def test_every_charge_carries_its_cost_centres_path() -> None:
    book = tree_book()
    when = datetime(2026, 3, 2, tzinfo=UTC)
    charge = book.rate(event("beta", when), rated_at=when)
    assert charge.cost_center == "DEPT-B"
    assert charge.cost_center_path == ["DEPT-B", "DIV-1", "HOLDING"]
    assert book.rate(event("gamma", when), rated_at=when).cost_center_path == []
    assert book.rate(event("unlisted", when), rated_at=when).cost_center_path == []


def test_a_flat_cost_centre_without_a_tree_is_its_own_path(tmp_path) -> None:
    (book,) = load_catalog(
        _write(
            tmp_path,
            "version: f\neffective_from: '2026-01-01T00:00:00Z'\ncurrency: USD\n"
            "services: {compute: {meters: {cpu_hours: {unit: h, price: '1'}}}}\n"
            "customers: {acme: {cost_center: CC-1}}\n",
        )
    ).versions
    when = datetime(2026, 3, 2, tzinfo=UTC)
    assert book.rate(event("acme", when), rated_at=when).cost_center_path == ["CC-1"]


def _write(tmp_path, text: str):
    path = tmp_path / "book.yaml"
    path.write_text(text)
    return path


def test_a_new_version_moves_a_department_from_its_effective_date_only() -> None:
    moved = datetime(2026, 6, 1, tzinfo=UTC)
    catalog = PriceBookCatalog(
        [tree_book("t1"), tree_book("t2", since=moved.isoformat(), dept_b="DIV-2")]
    )
    before = catalog.rate(event("beta", datetime(2026, 5, 31, 23, tzinfo=UTC)), rated_at=moved)
    after = catalog.rate(event("beta", moved), rated_at=moved)
    assert before.cost_center_path == ["DEPT-B", "DIV-1", "HOLDING"]
    assert after.cost_center_path == ["DEPT-B", "DIV-2", "HOLDING"]


def test_every_fault_of_the_tree_is_listed_in_one_refusal() -> None:
    text = """
version: bad-tree
effective_from: "2026-01-01T00:00:00Z"
currency: USD
services: {compute: {meters: {cpu_hours: {unit: h, price: "1"}}}}
cost_centers:
  ROOT: {}
  LOOP-1: {parent: LOOP-2}
  LOOP-2: {parent: LOOP-1}
  SELF: {parent: SELF}
  ORPHAN: {parent: NOWHERE}
  "bad name": {}
  EXTRA: {owner: x}
customers:
  acme: {cost_center: GHOST}
  ok: {cost_center: ROOT}
"""
    with pytest.raises(PriceBookInvalid) as refused:
        parse_price_book(text)
    problems = {p.path: p.reason for p in refused.value.problems}
    assert problems == {
        "$.cost_centers": problems["$.cost_centers"],  # the property name 'bad name'
        "$.cost_centers.EXTRA.owner": problems["$.cost_centers.EXTRA.owner"],
        "$.cost_centers['LOOP-1'].parent": "a cycle: LOOP-1 → LOOP-2 → LOOP-1",
        "$.cost_centers['LOOP-2'].parent": "a cycle: LOOP-2 → LOOP-1 → LOOP-2",
        "$.cost_centers.SELF.parent": "a cycle: SELF → SELF",
        "$.cost_centers.ORPHAN.parent": (
            "unknown cost centre 'NOWHERE' (not a node of cost_centers)"
        ),
        "$.customers.acme.cost_center": "'GHOST' is not a node of cost_centers",
    }
    assert "does not match" in problems["$.cost_centers"]
    assert "unexpected field" in problems["$.cost_centers.EXTRA.owner"]


def test_a_tree_deeper_than_sixteen_levels_is_refused() -> None:
    nodes = "\n".join(f"  N{i}: {{parent: N{i - 1}}}" if i else "  N0: {}" for i in range(17))
    text = (
        "version: deep\neffective_from: '2026-01-01T00:00:00Z'\ncurrency: USD\n"
        "services: {compute: {meters: {cpu_hours: {unit: h, price: '1'}}}}\n"
        f"cost_centers:\n{nodes}\n"
    )
    with pytest.raises(PriceBookInvalid) as refused:
        parse_price_book(text)
    assert [str(p) for p in refused.value.problems] == [
        "$.cost_centers.N16: more than 16 levels from this node to its root"
    ]


def test_the_example_price_book_rolls_every_customer_up_to_the_holding() -> None:
    from pathlib import Path

    example = Path(__file__).resolve().parents[3] / "contracts" / "pricebooks" / "example.yaml"
    (book,) = load_catalog(example).versions
    assert {c.cost_center_path[-1] for c in book.customers.values()} == {"HOLDING"}
    assert book.customers["acme"].cost_center_path == ("CC-1001", "DIV-PLATFORM", "HOLDING")
