"""An annual plan phased by month and proposed from actuals: exact to the cent, summing
to the annual amount, by the one largest-remainder rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budget_monitor.domain.plans import Basis, FiscalYear, PlanError, explicit, phase, propose

D = Decimal
FY = FiscalYear(2027, 4)  # April 2027 to March 2028
MONTHS = FY.keys


def test_a_fiscal_year_runs_twelve_months_from_its_first():
    assert MONTHS[0] == "2027-04" and MONTHS[-1] == "2028-03" and len(MONTHS) == 12
    assert FY.prior().keys[0] == "2026-04" and FY.last_year("2028-01") == "2027-01"
    assert FY.through("2027-06") == ("2027-04", "2027-05", "2027-06")
    with pytest.raises(PlanError, match="through"):
        FY.through("2027-03")


def test_even_phasing_gives_the_left_over_cents_to_the_earliest_months():
    months = phase(D("1000.00"), MONTHS, "USD", phasing="even")
    assert list(months.values()) == [D("83.34")] * 4 + [D("83.33")] * 8
    assert sum(months.values()) == D("1000.00")


def test_seasonal_phasing_follows_last_years_months_to_the_cent():
    # Last year: a quiet spring and winter, a busy summer (weights 1, 1, 1, 2, 2, 2, 3, …).
    weights = [1, 1, 1, 2, 2, 2, 3, 3, 3, 1, 1, 1]
    last_year = {m: D(w) * D("100.10") for m, w in zip(MONTHS, weights, strict=True)}
    months = phase(D("2500.00"), MONTHS, "USD", phasing="seasonal", last_year=last_year)
    # 250000 cents / 21 per weight: quotas 11904.76…, 23809.52…, 35714.28…; the floors sum to
    # 249993, so 7 cents go to the largest remainders: the six weight-1 months (.76), then
    # the first weight-2 month (.52), 2027-07.
    assert list(months.values()) == [
        *[D("119.05")] * 3,
        D("238.10"),
        *[D("238.09")] * 2,
        *[D("357.14")] * 3,
        *[D("119.05")] * 3,
    ]
    assert sum(months.values()) == D("2500.00")


@given(
    st.integers(1, 10**9),
    st.lists(st.integers(0, 10**6), min_size=12, max_size=12).filter(any),
)
def test_phasing_always_sums_to_the_amount_in_whole_cents(cents, weights):
    amount = D(cents).scaleb(-2)
    last_year = dict(zip(MONTHS, map(D, weights), strict=True))
    months = phase(amount, MONTHS, "USD", phasing="seasonal", last_year=last_year)
    assert sum(months.values()) == amount
    assert all(v == v.quantize(D("0.01")) and v >= 0 for v in months.values())


def test_seasonal_phasing_without_last_years_actuals_says_so():
    with pytest.raises(PlanError, match="last year's actuals"):
        phase(D(100), MONTHS, "USD", phasing="seasonal", last_year={})


def test_explicit_months_must_cover_the_year_and_sum_to_the_amount():
    given = {m: D("10.00") for m in MONTHS}
    assert explicit(given, MONTHS, "USD", None) == given
    with pytest.raises(PlanError) as wrong:
        explicit(given, MONTHS, "USD", D("120.01"))
    assert wrong.value.field == "months"
    assert "sum to 120.00, not the amount 120.01 (0.01 apart)" in wrong.value.reason
    with pytest.raises(PlanError, match="missing 2028-03"):
        explicit({m: D(1) for m in MONTHS[:11]}, MONTHS, "USD", None)
    with pytest.raises(PlanError, match="minor units") as cents:
        explicit({**given, "2027-04": D("10.001")}, MONTHS, "USD", None)
    assert cents.value.field == "months.2027-04"


def test_an_amount_is_proposed_from_last_years_actuals_or_the_run_rate():
    actuals = [D("1000.004")] * 12  # 12000.048
    assert propose(Basis("prior_year", D(5)), actuals, "USD") == D("12600.05")
    assert propose(Basis("prior_year", D(-10)), actuals, "USD") == D("10800.04")
    # run rate: (100 + 200 + 400) / 3 x 12 = 2800, + 2.5 % = 2870
    rate = [D(100), D(200), D(400)]
    assert propose(Basis("run_rate", D("2.5"), months=3), rate, "USD") == D("2870.00")
    with pytest.raises(PlanError, match="nothing to plan from"):
        propose(Basis("prior_year"), [D(0)] * 12, "USD")
    with pytest.raises(PlanError) as bad:
        Basis("prior_year", D(-100))
    assert bad.value.field == "basis.adjust_percent"


def test_amounts_and_percentages_beyond_the_bounds_are_refused_naming_the_field():
    with pytest.raises(PlanError) as huge:
        phase(D("1E+400"), MONTHS, "USD", phasing="even")
    assert huge.value.field == "amount" and "at most" in huge.value.reason
    with pytest.raises(PlanError) as adjust:
        Basis("prior_year", D("1E+500"))
    assert adjust.value.field == "basis.adjust_percent"
    assert not FiscalYear(2000).has_prior and FiscalYear(2001).has_prior
    with pytest.raises(PlanError) as late:
        FiscalYear(2999, 2)  # would end in 3000
    assert late.value.field == "fiscal_year"
