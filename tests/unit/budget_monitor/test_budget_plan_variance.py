"""Plan against actual against forecast: per month, year to date, the outturn, drivers."""

from __future__ import annotations

from decimal import Decimal

from budget_monitor.domain.plans import FiscalYear, diff, variance

D = Decimal
YEAR = FiscalYear(2026)
PLAN = {m: D("100.00") for m in YEAR.keys}


def test_variance_is_actual_minus_plan_and_the_rest_is_forecast_by_season():
    last_year = {m: D(50) for m in YEAR.keys} | {"2026-12": D(150)}
    actual = {"2026-01": D("80.005"), "2026-02": D("130"), "2026-03": D("90")}
    found = variance(PLAN, YEAR.keys[:3], actual, last_year, "USD")
    january = found.months[0]
    assert (january.actual, january.variance, january.variance_percent) == (
        D("80.005"),
        D("-19.995"),
        D("-20.00"),  # -19.995 / 100 x 100, rounded half up to two places
    )
    assert found.months[1].variance_percent == D("30.00")
    ytd = found.year_to_date
    assert (ytd.plan, ytd.actual, ytd.variance) == (D("300.00"), D("300.005"), D("0.005"))
    # Seasonal: this year ran at 300.005 / 150 of last year's; December was 150 last year.
    assert found.forecast_method == "seasonal"
    assert found.months[3].forecast == D("100.00")  # 50 x 2.00003333… = 100.0016…
    assert found.months[11].forecast == D("300.01")  # 150 x 2.0000333… = 300.005
    assert found.months[3].actual is None and found.months[0].forecast is None
    assert found.outturn == D("300.005") + 8 * D("100.00") + D("300.01")
    assert found.full_year.variance == found.outturn - D("1200.00")


def test_without_last_year_the_forecast_is_the_run_rate():
    actual = {"2026-01": D(100), "2026-02": D(110)}
    found = variance(PLAN, YEAR.keys[:2], actual, {}, "USD")
    assert found.forecast_method == "run_rate"
    assert {line.forecast for line in found.months[2:]} == {D("105.00")}
    assert found.outturn == D(210) + 10 * D(105)


def test_drivers_are_the_customers_and_services_that_moved_most_against_last_year():
    now = [
        ("2026-01", "acme", "compute", D(70)),
        ("2026-01", "globex", "ci", D(10)),
        ("2026-02", "acme", "ci", D(5)),
    ]
    then = [("2025-01", "acme", "compute", D(20)), ("2025-01", "globex", "ci", D(40))]
    found = variance(PLAN, YEAR.keys[:2], {}, {}, "USD", now, then)
    assert [(d.key, d.change) for d in found.by_customer] == [("acme", D(55)), ("globex", D(-30))]
    assert [(d.key, d.actual, d.last_year) for d in found.by_service] == [
        ("compute", D(70), D(20)),
        ("ci", D(15), D(40)),
    ]


def test_a_diff_shows_each_months_change_and_the_years():
    from dataclasses import replace

    from budget_monitor.domain.plans import PlanVersion

    base = PlanVersion(1, D("1200.00"), tuple(PLAN.items()), "even", "explicit", "proposal",
                       "ops", "finance", "", None)  # type: ignore[arg-type]  # fmt: skip
    months = tuple((m, D("150.00") if m == "2026-03" else a) for m, a in PLAN.items())
    counter = replace(base, number=2, amount=D("1250.00"), months=months, kind="counter")
    lines, year = diff(base, counter)
    assert [(c.period, c.change, c.change_percent) for c in lines if c.change] == [
        ("2026-03", D("50.00"), D("50.00"))
    ]
    assert (year.before, year.after, year.change) == (D("1200.00"), D("1250.00"), D("50.00"))
