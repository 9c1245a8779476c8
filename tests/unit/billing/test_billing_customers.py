"""Customer settings and periods in the customer's time zone; the settings files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from billing.adapters.config_files import ConfigFileError, load_costs, load_customers
from billing.domain.customers import CustomerConfigError, parse_customer
from billing.domain.periods import Period
from billing.service_layer.finalization import last_due_period

REPO = Path(__file__).resolve().parents[3]


def test_statement_type_follows_from_kind_and_the_other_way_round():
    assert parse_customer("acme", {}).statement == "invoice"
    assert parse_customer("it", {"kind": "internal"}).statement == "chargeback"
    lab = parse_customer("lab", {"statement_type": "showback"})
    assert (lab.kind, lab.charged) == ("internal", False)
    assert parse_customer("dept", {"kind": "internal"}).cost_center == "dept"


@pytest.mark.parametrize(
    "raw, complaint",
    [
        ({"kind": "partner"}, "kind"),
        ({"statement_type": "receipt"}, "statement_type"),
        ({"kind": "external", "statement_type": "showback"}, "cannot get showback"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"currency": "XYZ"}, "currency"),
        ({"grace_days": "soon"}, "whole numbers"),
        ({"grace_days": 90}, "between 0 and 60"),
    ],
)
def test_bad_settings_are_refused_naming_the_customer_and_field(raw, complaint):
    with pytest.raises(CustomerConfigError, match=f"customer acme: .*{complaint}"):
        parse_customer("acme", raw)


def test_a_month_in_a_zone_starts_at_its_local_midnight_across_daylight_saving():
    new_york = ZoneInfo("America/New_York")

    assert Period(2024, 3).start_in(new_york) == datetime(2024, 3, 1, 5, tzinfo=UTC)  # EST
    assert Period(2024, 3).end_in(new_york) == datetime(2024, 4, 1, 4, tzinfo=UTC)  # EDT
    assert Period.of(datetime(2024, 4, 1, 3, 59, tzinfo=UTC), new_york) == Period(2024, 3)
    assert Period(2024, 1).previous() == Period(2023, 12)
    assert Period(2024, 12).next().previous() == Period(2024, 12)


def test_a_period_is_due_once_its_end_plus_grace_has_passed():
    tokyo = ZoneInfo("Asia/Tokyo")
    may_end = Period(2024, 5).end_in(tokyo)

    assert last_due_period(may_end + timedelta(days=2), timedelta(days=2), tokyo) == Period(2024, 5)
    assert last_due_period(
        may_end + timedelta(days=2, seconds=-1), timedelta(days=2), tokyo
    ) == Period(2024, 4)


def test_the_example_price_books_customers_are_read_and_unknown_keys_ignored():
    customers = {
        c.id: c for c in load_customers(REPO / "contracts" / "pricebooks" / "example.yaml")
    }

    assert {"acme", "globex"} <= set(customers)
    assert all(c.statement == "invoice" for c in customers.values())


def test_a_price_book_directory_gives_its_last_version(tmp_path):
    (tmp_path / "2024-01.yaml").write_text("customers: {a: {time_zone: UTC}}\n")
    (tmp_path / "2024-06.yaml").write_text("customers: {b: {time_zone: Europe/Berlin}}\n")

    assert [c.id for c in load_customers(tmp_path)] == ["b"]


def test_costs_files_with_period_overrides_and_errors_naming_the_file(tmp_path):
    good = tmp_path / "costs.yaml"
    good.write_text(
        'services:\n  ci:\n    fixed: {runners: "10.00"}\n'
        '    periods: {"2024-05": {fixed: {runners: "12.00"}}}\n'
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text('services:\n  ci:\n    fixed: {runners: "1.001"}\n')

    found = load_costs(good)

    assert [(p, c.fixed_total) for p, c in found] == [("*", 10), ("2024-05", 12)]
    with pytest.raises(ConfigFileError, match=r"bad\.yaml: costs of ci"):
        load_costs(bad)
