"""Period-close lines: minimum-commitment shortfalls and volume true-ups, and their config."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.domain.commitment_config import (
    CommitmentConfigError,
    from_overrides,
    parse_commitments,
    unpriced_overrides,
)
from billing.domain.commitments import (
    Commitment,
    Tier,
    UsageTotal,
    close_lines,
    shortfall,
    tier_price,
    volume_true_up,
)


def used(quantity, amount, meter="cpu"):
    return UsageTotal("compute", meter, "h", Decimal(quantity), Decimal(amount))


def test_a_minimum_spend_not_reached_is_owed_as_a_shortfall():
    commitment = Commitment("compute", minimum_amount=Decimal("100"))

    line = shortfall(commitment, [used(10, "30.5"), used(5, "9.5", meter="ram")])

    assert (line.kind, line.amount, line.meter) == ("commitment_shortfall", Decimal("60.0"), "*")
    assert shortfall(commitment, [used(1, "100")]) is None


def test_a_committed_quantity_not_used_is_charged_at_the_committed_price():
    commitment = Commitment(
        "compute", "cpu", minimum_quantity=Decimal(1000), unit_price=Decimal("0.04")
    )

    line = shortfall(commitment, [used("400.5", "16.02"), used(999, "99", meter="ram")])

    assert (line.quantity, line.amount, line.unit) == (Decimal("599.5"), Decimal("23.980"), "h")
    assert shortfall(commitment, [used(1000, "40")]) is None


def test_a_volume_true_up_prices_the_whole_period_at_the_tier_reached():
    tiers = (Tier(Decimal(100), Decimal("0.05")), Tier(None, Decimal("0.03")))
    commitment = Commitment("compute", "cpu", volume_tiers=tiers)

    cheaper = volume_true_up(commitment, [used(150, "7.50")])  # billed at 0.05 each
    same = volume_true_up(commitment, [used(50, "2.50")])

    assert tier_price(tiers, Decimal(100)) == Decimal("0.05")
    assert (cheaper.kind, cheaper.amount) == ("volume_true_up", Decimal("-3.00"))  # a credit
    assert same is None


def test_close_lines_come_in_commitment_order():
    commitments = [
        Commitment("compute", minimum_amount=Decimal(10)),
        Commitment("compute", "cpu", volume_tiers=(Tier(None, Decimal("0.01")),)),
    ]

    lines = close_lines(commitments, [used(100, "5")])

    assert [(ln.kind, ln.amount) for ln in lines] == [
        ("commitment_shortfall", Decimal(5)),
        ("volume_true_up", Decimal("-4.00")),
    ]


def test_commitments_are_read_from_the_price_books_overrides():
    services = {
        "compute": {"meters": {"cpu_hours": {"unit": "h", "price": "0.05"}}},
        "storage": {"meters": {"gb": {"unit": "GB", "pricing": {"model": "volume", "tiers": []}}}},
    }
    customer = {
        "discount_percent": "5",
        "overrides": {
            "compute": {"cpu_hours": {"committed": "1000"}},
            "storage": {"gb": {"committed": "200000"}},
        },
    }

    (found,) = from_overrides(customer, services, customer="acme")

    assert (found.meter, found.minimum_quantity, found.unit_price) == (
        "cpu_hours",
        Decimal(1000),
        Decimal("0.0475"),
    )
    assert unpriced_overrides(customer, services) == ["storage/gb"]


def test_the_commitments_list_and_mapping_forms_are_read():
    listed = parse_commitments(
        {
            "commitments": [
                {"service": "ci", "minimum_amount": "50", "volume_tiers": [{"price": "0.1"}]}
            ]
        },
        customer="acme",
    )
    mapped = parse_commitments(
        {"commitments": {"ci.minutes": {"minimum_amount": 50}}}, customer="acme"
    )

    assert listed[0].volume_tiers == (Tier(None, Decimal("0.1")),)
    assert (mapped[0].service, mapped[0].meter, mapped[0].minimum_amount) == (
        "ci",
        "minutes",
        Decimal(50),
    )


@pytest.mark.parametrize(
    "raw, complaint",
    [
        ({"commitments": "lots"}, "must be a list"),
        ({"commitments": [{"minimum_amount": "1"}]}, "must name a service"),
        ({"commitments": [{"service": "ci", "minimum_amount": 0.5}]}, "minimum_amount"),
        ({"commitments": [{"service": "ci", "minimum_quantity": "5"}]}, "unit_price"),
        ({"commitments": [{"service": "ci", "volume_tiers": [{"up_to": "5"}]}]}, "needs a price"),
    ],
)
def test_bad_commitments_are_refused_naming_the_field(raw, complaint):
    with pytest.raises(CommitmentConfigError, match=complaint):
        parse_commitments(raw, customer="acme")
