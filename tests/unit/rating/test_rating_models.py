"""Pricing models: cumulative cost functions, so a period's charges add up whatever the split."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terms.domain import Graduated, Package, Percentage, PerUnit, Tier, Volume, exact_sum

D = Decimal
TIERS = (Tier(D(100), D("1.00")), Tier(D(200), D("0.50")), Tier(None, D("0.25")))
MODELS = {
    "per_unit": PerUnit(D("0.0416")),
    "graduated": Graduated(TIERS),
    "volume": Volume(TIERS),
    "package": Package(size=D(1000), block_price=D("0.40")),
    "percentage": Percentage(D("3.5")),
}


def graduated_by_hand(total: Fraction) -> Fraction:
    """Independent of the code under test: units in each tier times its price."""
    first = min(total, Fraction(100))
    second = min(max(total - 100, Fraction(0)), Fraction(100))
    rest = max(total - 200, Fraction(0))
    return first * 1 + second * Fraction(1, 2) + rest * Fraction(1, 4)


@pytest.mark.parametrize(
    ("total", "cost"),
    [("0", "0"), ("100", "100"), ("100.5", "100.25"), ("200", "150"), ("201", "150.25")],
)
def test_graduated_tier_edges(total: str, cost: str) -> None:
    assert MODELS["graduated"].cost(D(total)) == D(cost)


@pytest.mark.parametrize(
    ("total", "cost", "price"),
    [
        ("100", "100", "1.00"),
        ("100.0001", "50.00005", "0.50"),
        ("200", "100", "0.50"),
        ("200.5", "50.125", "0.25"),
    ],
)
def test_volume_prices_every_unit_at_the_tier_reached(total: str, cost: str, price: str) -> None:
    model = MODELS["volume"]
    assert model.cost(D(total)) == D(cost)
    assert model.marginal_price(D(total)) == D(price)


def test_volume_crossing_into_a_cheaper_tier_credits_the_units_before() -> None:
    (step,) = MODELS["volume"].explain(D(90), D(110), "h")
    assert step.amount_delta == D(110) * D("0.50") - D(90) * D("1.00") == D(-35)
    assert "less 90 × 1.00 charged before" in step.detail


@pytest.mark.parametrize(
    ("before", "after", "blocks"),
    [("0", "0", 0), ("0", "0.001", 1), ("0", "1000", 1), ("1000", "1000.5", 1), ("1", "999", 0)],
)
def test_package_charges_a_started_block_in_full(before: str, after: str, blocks: int) -> None:
    (step,) = MODELS["package"].explain(D(before), D(after), "request")
    assert step.amount_delta == blocks * D("0.40")


def test_percentage_of_a_monetary_quantity() -> None:
    assert MODELS["percentage"].cost(D("1200.50")) == D("42.01750")
    assert MODELS["percentage"].marginal_price(D(1)) == D("0.035")


def test_graduated_explains_each_tier_an_event_spans() -> None:
    steps = MODELS["graduated"].explain(D(90), D(230), "h")
    assert [(s.rule, s.amount_delta) for s in steps] == [
        ("graduated tier 1 (0–100 h)", D(10)),
        ("graduated tier 2 (100–200 h)", D("50.00")),
        ("graduated tier 3 (above 200 h)", D("7.50")),
    ]
    assert steps[0].detail == "10 h × 1.00"


def test_a_zero_quantity_still_names_the_tier_it_is_in() -> None:
    (step,) = MODELS["graduated"].explain(D(150), D(150), "h")
    assert step.rule.startswith("graduated tier 2") and step.amount_delta == 0


quantities = st.decimals(min_value=0, max_value=D("1e6"), places=6, allow_nan=False)


@pytest.mark.parametrize("name", sorted(MODELS))
@given(parts=st.lists(quantities, min_size=1, max_size=12))
def test_charges_of_a_period_add_up_to_the_cost_of_its_total(name: str, parts: list[D]) -> None:
    """However usage is split into events, the sum of their charges is the period's price."""
    model, used, charged = MODELS[name], D(0), []
    for quantity in parts:
        after = used + quantity
        steps = model.explain(used, after, "u")
        assert exact_sum(s.amount_delta for s in steps) == model.cost(after) - model.cost(used)
        charged.extend(s.amount_delta for s in steps)
        used = after
    assert exact_sum(charged) == model.cost(used)


@given(total=quantities)
def test_graduated_matches_a_hand_computation(total: D) -> None:
    assert Fraction(MODELS["graduated"].cost(total)) == graduated_by_hand(Fraction(total))


@given(total=quantities)
def test_package_is_whole_blocks_rounded_up(total: D) -> None:
    blocks = -(-Fraction(total) // 1000)  # ceiling
    assert Fraction(MODELS["package"].cost(total)) == blocks * Fraction("0.40")


def test_huge_cumulative_quantities_keep_every_digit() -> None:
    total = D("123456789012345678901234.000001")
    assert Fraction(MODELS["graduated"].cost(total)) == graduated_by_hand(Fraction(total))
    # 32 significant digits: the default 28-digit context would have rounded this.
    assert Fraction(MODELS["volume"].cost(total)) == Fraction(total) / 4
    assert total * D("0.25") != MODELS["volume"].cost(total)
