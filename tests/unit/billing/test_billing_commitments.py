"""Commitment shortfall lines: the one computation (`period_commitments`) on the period's
own usage, for every pricing model, tiers and free allowances included."""

from __future__ import annotations

from decimal import Decimal

from billing.domain.commitments import shortfall_lines, used_in_period
from billing.domain.invoices import DraftLine, build_document
from terms.adapters.files import parse_price_book
from terms.domain import Period, PriceBookCatalog, period_commitments

MAY = Period(2024, 5)
BOOK = """
version: "2024.1"
effective_from: "2024-01-01T00:00:00Z"
currency: EUR
services:
  compute:
    meters:
      cpu:
        unit: vcpu-hour
        pricing:
          model: graduated
          tiers: [{up_to: "100", price: "0.10"}, {up_to: "1000", price: "0.08"}, {price: "0.05"}]
      ram: {unit: GiB-hour, price: "0.01"}
  storage:
    meters:
      gb:
        unit: GiB-month
        free_allowance: "100"
        pricing:
          model: volume
          tiers: [{up_to: "1000", price: "0.03"}, {price: "0.02"}]
customers:
  acme:
    discount_percent: "10"
    overrides:
      compute: {cpu: {committed: "500"}, ram: {committed: "10"}}
      storage: {gb: {committed: "2000"}}
"""
CATALOG = PriceBookCatalog([parse_price_book(BOOK)])


def line(service, meter, quantity, usage_period="2024-05", amount="1"):
    return DraftLine(
        service, meter, "u", "EUR", Decimal(quantity), Decimal(amount), 1, usage_period
    )


def test_only_the_periods_own_usage_counts_not_late_usage_of_earlier_ones():
    lines = [
        line("compute", "cpu", "100"),
        line("compute", "cpu", "50"),
        line("compute", "cpu", "1000", usage_period="2024-04"),  # late usage of April
        line("storage", "gb", "300"),
    ]

    assert used_in_period(lines, MAY) == {
        ("compute", "cpu"): Decimal(150),
        ("storage", "gb"): Decimal(300),
    }


def test_shortfalls_on_graduated_and_volume_meters_are_the_one_computation():
    used = {("compute", "cpu"): Decimal(150), ("storage", "gb"): Decimal(300)}
    owed = period_commitments(CATALOG, "acme", MAY, used)

    lines = shortfall_lines(owed)

    expected = {(s.service, s.meter): s for s in owed.shortfalls if s.amount}
    assert [(ln.service, ln.meter) for ln in lines] == [
        ("compute", "cpu"),
        ("compute", "ram"),
        ("storage", "gb"),
    ]
    for ln in lines:
        assert (ln.kind, ln.quantity, ln.amount, ln.unit) == (
            "commitment_shortfall",
            expected[(ln.service, ln.meter)].quantity,
            expected[(ln.service, ln.meter)].amount,
            expected[(ln.service, ln.meter)].unit,
        )
    cpu, ram, gb = lines
    # Graduated: units 150..500 priced where they would have fallen (50 at 0.10, 300 at
    # 0.08), less the 10 % discount.
    assert (cpu.quantity, cpu.amount) == (Decimal(350), Decimal("25.2"))
    # Volume with 100 free: 1,900 billable at 0.02 against 200 at 0.03, less 10 %.
    assert (gb.quantity, gb.amount) == (Decimal(1700), Decimal("28.8"))
    assert (ram.quantity, ram.amount) == (Decimal(10), Decimal("0.09"))
    assert cpu.description == (
        "committed 500 vcpu-hour of compute/cpu, used 150; price book 2024.1"
    )


def test_a_met_commitment_gives_no_line_and_none_used_owes_all():
    met = period_commitments(
        CATALOG,
        "acme",
        MAY,
        {("compute", "cpu"): Decimal(500), ("compute", "ram"): Decimal(11), ("storage", "gb"): 0},
    )
    nothing = period_commitments(CATALOG, "acme", MAY, {})

    assert [(ln.service, ln.meter) for ln in shortfall_lines(met)] == [("storage", "gb")]
    assert [ln.quantity for ln in shortfall_lines(nothing)] == [500, 10, 2000]
    assert shortfall_lines(period_commitments(CATALOG, "globex", MAY, {})) == []


def test_a_shortfall_line_is_rounded_once_on_the_document_like_every_line():
    owed = period_commitments(CATALOG, "acme", MAY, {("compute", "cpu"): Decimal("150.05")})
    document = build_document(
        customer="acme",
        period=MAY,
        currency="EUR",
        lines=[line("compute", "cpu", "150.05", amount="14.004")],
        close_lines=shortfall_lines(owed),
    )

    cpu = next(ln for ln in document.lines if ln.kind == "commitment_shortfall")
    assert cpu.exact_amount == owed.shortfalls[0].amount == Decimal("25.1964")
    assert str(cpu.amount.amount) == "25.20"
    assert document.exact_total == sum((ln.exact_amount for ln in document.lines), start=Decimal(0))
