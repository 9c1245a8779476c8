"""Customers: billing's own settings, composed with the terms of a price-book version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from billing.adapters.config_files import ConfigFileError, load_costs, load_customers
from billing.domain.customer_settings import CustomerConfigError, parse_settings
from billing.domain.customers import compose, customer_at, customer_for_period
from billing.service_layer.finalization import last_due_period
from terms.adapters.files import parse_price_book
from terms.domain import Period, PriceBookCatalog

REPO = Path(__file__).resolve().parents[3]
V1 = """
version: "v1"
effective_from: "2024-01-01T00:00:00Z"
currency: USD
services: {compute: {meters: {cpu: {unit: h, price: "0.04"}}}}
customers:
  acme:
    name: ACME Corp
    cost_center: CC-1
    time_zone: America/New_York
    overrides: {compute: {cpu: {committed: "1000"}}}
  umbrella: {time_zone: Asia/Tokyo}
"""
# From 15 June on: acme moves to Berlin and cost center CC-2, and pays in EUR.
V2 = (
    V1.replace('"v1"', '"v2"')
    .replace("2024-01-01", "2024-06-15")
    .replace("USD", "EUR")
    .replace("CC-1", "CC-2")
    .replace("America/New_York", "Europe/Berlin")
)
CATALOG = PriceBookCatalog([parse_price_book(V1), parse_price_book(V2)])


def test_statement_type_follows_from_kind_and_the_other_way_round():
    assert parse_settings("acme", {}).statement == "invoice"
    assert parse_settings("it", {"kind": "internal"}).statement == "chargeback"
    lab = parse_settings("lab", {"statement_type": "showback"})
    assert (lab.kind, lab.charged) == ("internal", False)
    grace = parse_settings("dept", {"grace_days": 2, "grace_hours": 6}).grace
    assert grace == timedelta(days=2, hours=6)


@pytest.mark.parametrize(
    "raw, complaint",
    [
        ({"kind": "partner"}, "kind must be one of"),
        ({"statement_type": "receipt"}, "statement_type must be one of"),
        ({"kind": "external", "statement_type": "showback"}, "cannot be showback for an ext"),
        ({"grace_days": "soon"}, "grace_days must be a whole number"),
        ({"grace_hours": 1.5}, "grace_hours must be a whole number"),
        ({"grace_days": 90}, "grace period of 0 to 60 days"),
        ({"colour": "blue"}, "colour is unknown; allowed: kind, statement_type"),
    ],
)
def test_bad_settings_are_refused_naming_the_customer_and_field(raw, complaint):
    with pytest.raises(CustomerConfigError, match=f"customer acme: .*{complaint}"):
        parse_settings("acme", raw)


@pytest.mark.parametrize(
    "term",
    [
        "time_zone",
        "cost_center",
        "currency",
        "discount_percent",
        "overrides",
        "commitments",
        "name",
    ],
)
def test_a_term_is_refused_it_changes_only_by_publishing_a_price_book_version(term):
    with pytest.raises(CustomerConfigError) as refused:
        parse_settings("acme", {"kind": "internal", term: "x"})

    assert refused.value.field == term
    assert f"{term} is a term" in str(refused.value)
    assert "publishing a price-book version" in str(refused.value)


def test_the_view_of_a_period_has_the_terms_of_the_version_that_closes_it():
    settings = parse_settings("acme", {"kind": "internal"})

    may = customer_for_period(settings, CATALOG, Period(2024, 5))
    june = customer_for_period(settings, CATALOG, Period(2024, 6))

    assert (may.price_book_version, may.name, may.cost_center, may.time_zone, may.currency) == (
        "v1", "ACME Corp", "CC-1", "America/New_York", "USD",
    )  # fmt: skip
    assert (june.price_book_version, june.cost_center, june.time_zone) == (
        "v2", "CC-2", "Europe/Berlin",
    )  # fmt: skip
    assert may.commitments == (("compute", "cpu", Decimal(1000)),)
    assert (may.statement, may.kind, may.id) == ("chargeback", "internal", "acme")


def test_now_is_the_version_in_force_now_and_unlisted_customers_get_list_terms():
    before_v2 = datetime(2024, 6, 14, 23, tzinfo=UTC)

    assert customer_at(parse_settings("acme", {}), CATALOG, before_v2).currency == "USD"
    assert (
        customer_at(parse_settings("acme", {}), CATALOG, before_v2 + timedelta(hours=2)).currency
        == "EUR"
    )
    newco = customer_at(parse_settings("newco", {}), CATALOG, before_v2)
    assert (newco.name, newco.cost_center, newco.time_zone, newco.commitments) == (
        "newco", None, "UTC", (),
    )  # fmt: skip
    assert newco.price_book_version == "v1"


def test_before_any_version_there_are_no_terms_utc_and_no_currency():
    settings = parse_settings("acme", {})

    early = customer_for_period(settings, CATALOG, Period(2023, 12))

    assert early == compose(settings, None)
    assert (early.price_book_version, early.time_zone, early.currency) == (None, "UTC", None)


def test_a_period_is_due_once_its_end_plus_grace_has_passed():
    tokyo = ZoneInfo("Asia/Tokyo")
    may_end = Period(2024, 5).end_in(tokyo)

    assert last_due_period(may_end + timedelta(days=2), timedelta(days=2), tokyo) == Period(2024, 5)
    assert last_due_period(
        may_end + timedelta(days=2, seconds=-1), timedelta(days=2), tokyo
    ) == Period(2024, 4)


def test_the_settings_file_holds_billing_settings_only(tmp_path):
    good = tmp_path / "customers.yaml"
    good.write_text(
        "customers:\n  research: {kind: internal, grace_days: 1}\n  acme:\n"
        "  lab: {statement_type: showback}\n"
    )
    term = tmp_path / "term.yaml"
    term.write_text("customers:\n  acme: {kind: external, time_zone: Europe/Berlin}\n")
    book = REPO / "contracts" / "pricebooks" / "example.yaml"

    found = {s.id: s for s in load_customers(good)}

    assert (found["research"].statement, found["research"].grace) == ("chargeback", timedelta(1))
    assert (found["acme"].statement, found["lab"].statement) == ("invoice", "showback")
    with pytest.raises(ConfigFileError, match=r"term\.yaml: customer acme: time_zone is a term"):
        load_customers(term)
    with pytest.raises(ConfigFileError, match=r"unexpected .*services"):
        load_customers(book)  # a price book is not a settings file


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
