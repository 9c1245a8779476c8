"""Fixed-cost allocation: exact to the cent, the remainder by largest remainder; recovery."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.domain.allocation import allocate, largest_remainder
from billing.domain.costs import CostConfigError, parse_service_cost
from billing.domain.recovery import recover, totals


def test_a_cent_left_over_goes_to_the_largest_remainder():
    shares = largest_remainder(Decimal("100.00"), {"a": Decimal(1), "b": Decimal(2)}, "USD")

    assert shares == {"a": Decimal("33.33"), "b": Decimal("66.67")}  # 33.333.., 66.666..


def test_ties_go_to_the_larger_weight_then_the_first_customer_id():
    equal = largest_remainder(
        Decimal("0.02"), {"c": Decimal(1), "b": Decimal(1), "a": Decimal(1)}, "USD"
    )
    heavier = largest_remainder(Decimal("0.01"), {"a": Decimal(1), "z": Decimal(3)}, "USD")

    assert equal == {"a": Decimal("0.01"), "b": Decimal("0.01"), "c": Decimal("0.00")}
    assert heavier == {"a": Decimal("0.00"), "z": Decimal("0.01")}


def test_currencies_without_minor_units_allocate_whole_units():
    three = {"a": Decimal(1), "b": Decimal(1), "c": Decimal(1)}

    assert largest_remainder(Decimal(10), three, "JPY") == {
        "a": Decimal(4),
        "b": Decimal(3),
        "c": Decimal(3),
    }


def test_nobody_to_carry_the_cost_leaves_it_unallocated():
    cost = parse_service_cost("ci", {"fixed": {"runners": "50.00"}})

    allocation = allocate(cost, "2024-05", {})

    assert allocation.shares == () and allocation.unallocated == Decimal("50.00")


@given(
    cents=st.integers(0, 10**12),
    weights=st.dictionaries(
        st.text("abcdef", min_size=1, max_size=3),
        st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False),
        min_size=1,
        max_size=12,
    ),
)
def test_shares_always_add_up_to_the_fixed_cost_and_stay_within_a_cent(cents, weights):
    total = Decimal(cents).scaleb(-2)
    shares = largest_remainder(total, weights, "USD")
    weight_sum = sum(weights.values())
    if weight_sum == 0:
        assert shares == {}
        return
    assert sum(shares.values()) == total
    for customer, amount in shares.items():
        exact = total * weights[customer] / weight_sum
        assert abs(amount - exact) < Decimal("0.01")


def test_usage_even_and_split_weigh_consumers_as_configured():
    usage = {"acme": (Decimal(30), Decimal("1.00")), "globex": (Decimal(10), Decimal("3.00"))}
    fixed = {"fixed": {"staff": "40.00"}}

    by_meter = allocate(
        parse_service_cost("s", {**fixed, "allocation": {"method": "usage", "meter": "m"}}),
        "p",
        usage,
    )
    by_amount = allocate(parse_service_cost("s", fixed), "p", usage)
    even = allocate(
        parse_service_cost("s", {**fixed, "allocation": {"method": "even"}}), "p", usage
    )
    split = allocate(
        parse_service_cost(
            "s", {**fixed, "allocation": {"method": "split", "shares": {"acme": "1", "hooli": "3"}}}
        ),
        "p",
        usage,
    )

    def amounts(a):
        return {s.customer: s.amount for s in a.shares}

    assert amounts(by_meter) == {"acme": Decimal("30.00"), "globex": Decimal("10.00")}
    assert amounts(by_amount) == {"acme": Decimal("10.00"), "globex": Decimal("30.00")}
    assert amounts(even) == {"acme": Decimal("20.00"), "globex": Decimal("20.00")}
    assert amounts(split) == {"acme": Decimal("10.00"), "hooli": Decimal("30.00")}


@pytest.mark.parametrize(
    "raw, complaint",
    [
        ({"fixed": {"staff": "10.005"}}, "whole minor units"),
        ({"fixed": {"staff": 10.5}}, "decimal string"),
        ({"currency": "XYZ"}, "currency"),
        ({"allocation": {"method": "random"}}, "allocation.method"),
        ({"allocation": {"method": "split"}}, "shares"),
        ({"variable": {"cpu": "-1"}}, "variable.cpu"),
    ],
)
def test_bad_cost_definitions_are_refused_naming_the_field(raw, complaint):
    with pytest.raises(CostConfigError, match=complaint):
        parse_service_cost("compute", raw)


def test_recovery_compares_income_with_fixed_plus_variable_cost():
    cost = parse_service_cost(
        "compute", {"fixed": {"staff": "100.00"}, "variable": {"cpu": "0.01"}}
    )

    under = recover(
        service="compute", period="2024-05", currency="USD", cost=cost,
        income=Decimal("90"), shown=Decimal(0), quantities={"cpu": Decimal(500)},
    )  # fmt: skip
    free = recover(
        service="ci", period="2024-05", currency="USD", cost=None,
        income=Decimal("5"), shown=Decimal(0), quantities={},
    )  # fmt: skip

    assert (under.total_cost, under.recovery, under.outcome) == (
        Decimal("105.00"),
        Decimal("-15.00"),
        "under",
    )
    assert under.recovery_percent == Decimal("85.71")
    assert (free.recovery_percent, free.outcome) == (None, "over")
    (total,) = totals([under, free])
    assert (total.income, total.total_cost, total.recovery_percent) == (
        Decimal(95),
        Decimal("105.00"),
        Decimal("90.48"),
    )
