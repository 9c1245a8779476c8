"""The dashboard's spend figures (pure): exact sums, groupings, days, run-rate forecast."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from billing.dashboard.forecast import run_rate_forecast
from billing.dashboard.report import SpendReport
from billing.dashboard.schemas import SpendPublic
from billing.dashboard.spend import SpendRow, SpendTally, days_of
from billing.dashboard.spend_reads import CustomerInfo, Filters

MAY = (datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 6, 1, tzinfo=UTC))
MAY_DAYS = days_of(date(2024, 5, 1), date(2024, 6, 1))
TINY = "0.000000000000000000000000000001"  # beyond the default context's 28 digits


def row(customer="acme", service="compute", day=10, amount="1", currency="USD") -> SpendRow:
    return SpendRow(customer, service, date(2024, 5, day), Decimal(amount), currency)


def tally(*rows: SpendRow) -> SpendTally:
    found = SpendTally()
    for r in rows:
        found.add(r)
    return found


def spend_of(found: SpendTally, now=datetime(2024, 5, 21, tzinfo=UTC), currency=None):
    return found.spend(
        currency=currency, default_currency="USD", days=MAY_DAYS, window=MAY, now=now
    )


def test_sums_are_exact_and_grouped_largest_first():
    found = tally(
        row(amount="1000000000"),
        row(amount=TINY, day=11),
        row("globex", "storage", 12, "0.1"),
        row("globex", "storage", 12, "0.2"),
        row("initech", "compute", 12, "2000000000"),
    )
    spend = spend_of(found)

    assert spend.exact_total == Decimal("3000000000.300000000000000000000000000001")
    assert spend.charges == 5
    assert [(s.key, s.exact, s.charges) for s in spend.by_customer] == [
        ("initech", Decimal(2000000000), 1),
        ("acme", Decimal("1000000000.000000000000000000000000000001"), 2),
        ("globex", Decimal("0.3"), 2),
    ]
    assert [(s.key, s.exact) for s in spend.by_service] == [
        ("compute", Decimal("3000000000.000000000000000000000000000001")),
        ("storage", Decimal("0.3")),
    ]


def test_every_day_of_the_period_with_a_running_total():
    spend = spend_of(tally(row(day=2, amount="1.5"), row(day=4, amount="2"), row(day=4)))

    assert len(spend.daily) == 31 and spend.daily[0].day == date(2024, 5, 1)
    by_day = {d.day.day: d for d in spend.daily}
    assert (by_day[1].exact, by_day[1].cumulative) == (0, 0)
    assert (by_day[2].exact, by_day[2].cumulative, by_day[2].charges) == (Decimal("1.5"), 1.5, 1)
    assert (by_day[4].exact, by_day[4].cumulative, by_day[4].charges) == (3, Decimal("4.5"), 2)
    assert by_day[31].cumulative == Decimal("4.5")


def test_one_currency_at_a_time_default_first_else_the_most_used():
    mixed = tally(row(amount="5", currency="EUR"), row(amount="1"), row(amount="7", currency="EUR"))
    assert (spend_of(mixed).currency, spend_of(mixed).exact_total) == ("USD", 1)
    assert spend_of(mixed).currencies == ("EUR", "USD")
    assert spend_of(mixed, currency="EUR").exact_total == 12

    no_usd = tally(row(currency="EUR"), row(currency="GBP"), row(currency="EUR"))
    assert spend_of(no_usd).currency == "EUR"
    assert spend_of(SpendTally()).currency == "USD"


def test_forecast_is_the_run_rate_to_the_period_end():
    # 20 of 31 days passed: 62 spent so far runs to 62 * 31 / 20 = 96.1.
    forecast = run_rate_forecast(Decimal(62), *MAY, datetime(2024, 5, 21, tzinfo=UTC))
    assert forecast.exact == Decimal("96.1")
    assert forecast.elapsed_percent.quantize(Decimal("0.01")) == Decimal("64.52")


def test_no_forecast_before_the_minimum_share_or_the_start_and_the_total_after_the_end():
    early = run_rate_forecast(Decimal(10), *MAY, datetime(2024, 5, 3, tzinfo=UTC))
    assert early.exact is None
    assert early.available_from == datetime(2024, 5, 7, 4, 48, tzinfo=UTC)  # 20 % of 31 days
    assert run_rate_forecast(Decimal(10), *MAY, datetime(2024, 4, 3, tzinfo=UTC)).exact is None
    after = run_rate_forecast(Decimal(10), *MAY, datetime(2024, 7, 1, tzinfo=UTC))
    assert (after.exact, after.elapsed_percent) == (10, 100)
    anytime = run_rate_forecast(Decimal(4), *MAY, datetime(2024, 5, 2, tzinfo=UTC), Decimal(0))
    assert anytime.exact == Decimal(124)


def test_the_api_rounds_each_figure_once_half_up_and_keeps_the_exact_one():
    spend = spend_of(tally(row(amount="0.004"), row(amount="0.001"), row("globex", amount="0.125")))
    report = SpendReport(
        Filters("2024-05"),
        spend,
        {"acme": CustomerInfo("acme", "ACME Corp", "CC-1", "UTC")},
        "UTC",
        *MAY,
        datetime(2024, 5, 21, tzinfo=UTC),
    )
    public = SpendPublic.of(report)

    assert (public.total, public.exact_total) == ("0.13", "0.130")
    by_customer = {
        s.key: (s.name, s.cost_center, s.amount, s.exact_amount) for s in public.by_customer
    }
    assert by_customer == {
        "acme": ("ACME Corp", "CC-1", "0.01", "0.005"),
        "globex": ("globex", None, "0.13", "0.125"),
    }
    assert public.daily[9].amount == "0.13" and public.daily[9].cumulative == "0.13"
    # 0.13 * 31 / 20 = 0.2015, shown rounded once: 0.20
    assert (public.forecast.amount, public.forecast.exact_amount) == ("0.20", "0.201500")
