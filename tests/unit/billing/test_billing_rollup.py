"""Spend rolled up the cost-centre tree, and actuals per month: pure and exact."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.domain.actuals import monthly_actuals, months_between
from billing.domain.rollup import Charged, charge_nodes, roll_up
from terms.domain import Period
from terms.domain.cost_centers import CostCenter, CostCenterTree

D = Decimal
TREE = CostCenterTree(
    {
        "ROOT": CostCenter("ROOT", "Company"),
        "DIV": CostCenter("DIV", "Division", "ROOT"),
        "DEPT": CostCenter("DEPT", "", "DIV"),
    }
)


def test_a_charge_counts_for_every_node_of_its_path_and_its_own_node_first():
    rollup = roll_up(
        TREE,
        [
            Charged("acme", ("DEPT", "DIV", "ROOT"), D("0.1")),
            Charged("acme", ("DIV", "ROOT"), D("0.2")),
            Charged("globex", (), D("5")),
        ],
    )
    found = {n.node: n for n in rollup.nodes}
    assert [(n.node, n.depth) for n in rollup.nodes] == [("ROOT", 0), ("DIV", 1), ("DEPT", 2)]
    assert (found["DIV"].own, found["DIV"].total, found["ROOT"].total) == (
        D("0.2"),
        D("0.3"),
        D("0.3"),
    )
    assert (found["DEPT"].name, found["DIV"].name) == ("DEPT", "Division")
    assert (rollup.unassigned, rollup.unassigned_charges) == (D(5), 1)


def test_a_node_the_closing_tree_lacks_is_shown_where_the_charge_placed_it():
    rollup = roll_up(TREE, [Charged("acme", ("OLD-DEPT", "DIV", "ROOT"), D(2))])
    placed = {n.node: (n.parent, n.depth, n.total) for n in rollup.nodes}
    assert placed["OLD-DEPT"] == ("DIV", 2, D(2))


def test_a_charge_without_a_path_counts_for_its_cost_centre_alone():
    assert charge_nodes("CC-1", None) == ("CC-1",)
    assert charge_nodes("CC-1", ["CC-1", "DIV"]) == ("CC-1", "DIV")
    assert charge_nodes(None, None) == ()


def test_every_month_of_the_range_is_listed_with_exact_sums():
    months = months_between(Period(2024, 11), Period(2025, 2))
    found = monthly_actuals(
        [
            ("2024-11", "acme", "ci", D("0.1")),
            ("2024-11", "acme", "ci", D("0.2")),
            ("2025-01", "globex", "compute", D("1E-20")),
        ],
        months,
    )
    assert [(a.period, a.amount, a.charges) for a in found.months] == [
        ("2024-11", D("0.3"), 2),
        ("2024-12", D(0), 0),
        ("2025-01", D("1E-20"), 1),
        ("2025-02", D(0), 0),
    ]
    assert [(a.customer, a.service) for a in found.detail] == [
        ("acme", "ci"),
        ("globex", "compute"),
    ]


def test_a_range_backwards_or_longer_than_three_years_is_refused():
    with pytest.raises(ValueError, match="before"):
        months_between(Period(2024, 5), Period(2024, 4))
    with pytest.raises(ValueError, match="36 months"):
        months_between(Period(2020, 1), Period(2023, 1))
    assert len(months_between(Period(2020, 1), Period(2022, 12))) == 36
