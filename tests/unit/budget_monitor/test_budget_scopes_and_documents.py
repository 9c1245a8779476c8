"""Budget scopes (customer, cost center, service, combinations), the indexed book, and
budget documents: validation naming the field, defaults, the canonical form."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budget_monitor.domain import (
    Budget,
    BudgetBook,
    BudgetError,
    ChargeFacts,
    CustomPeriod,
    FieldError,
    Scope,
    budget_from_document,
    evaluate,
)
from budget_monitor.domain.documents import document_of

D = Decimal
NOV = datetime(2026, 11, 20, tzinfo=UTC)
CENTERS = {"acme": "CC-1", "globex": "CC-1", "initech": "CC-2"}


def charge(n: int, customer: str, service: str, amount: str = "1") -> ChargeFacts:
    """A charge as rating made it: it names its customer's cost centre (none for hooli)."""
    cost_center = CENTERS.get(customer)
    return ChargeFacts(f"s e{n}", f"e{n}", customer, service, D(amount), "USD", NOV, cost_center)


def test_a_charge_counts_for_its_customer_cost_center_and_service_budgets():
    book = BudgetBook(
        (
            Budget("acme", Scope("acme"), D(10), "USD"),
            Budget("cc1", Scope(cost_center="CC-1"), D(10), "USD"),
            Budget("cc1-ci", Scope(service="ci", cost_center="CC-1"), D(10), "USD"),
            Budget("compute", Scope(service="compute"), D(10), "USD"),
            Budget("acme-ci", Scope("acme", "ci"), D(10), "USD"),
        ),
    )
    charges = [
        charge(1, "acme", "compute", "2"),
        charge(2, "globex", "ci", "3"),
        charge(3, "initech", "compute", "5"),
        charge(4, "hooli", "ci", "7"),  # in no cost center
    ]
    totals = {k[0]: v for k, v in evaluate(charges, book, {}, set()).own_totals.items()}
    assert totals == {"acme": 2, "cc1": 5, "cc1-ci": 3, "compute": 7}
    assert [b.id for b in book.watching("acme", "ci", ("CC-1",))] == [
        "acme",
        "acme-ci",
        "cc1",
        "cc1-ci",
    ]


def test_the_cost_center_a_charge_names_decides_not_a_directory():
    """A customer moved to another cost centre counts there from the charge that says so."""
    book = BudgetBook((Budget("cc2", Scope(cost_center="CC-2"), D(10), "USD"),))
    before = ChargeFacts("s e1", "e1", "acme", "ci", D(4), "USD", NOV, "CC-1")
    after = ChargeFacts("s e2", "e2", "acme", "ci", D(3), "USD", NOV, "CC-2")
    totals = evaluate([before, after], book, {}, set()).own_totals
    assert totals == {("cc2", "2026-11"): D(3)}


def test_a_cost_center_budget_at_a_node_counts_every_charge_below_it():
    """Charges carry their cost centre's path: a division's budget counts its departments."""
    book = BudgetBook(
        (
            Budget("div", Scope(cost_center="DIV-1"), D(10), "USD"),
            Budget("dept-a", Scope(cost_center="DEPT-A"), D(10), "USD"),
            Budget("root-ci", Scope(cost_center="ROOT", service="ci"), D(10), "USD"),
        )
    )
    path_a, path_b = ("DEPT-A", "DIV-1", "ROOT"), ("DEPT-B", "DIV-1", "ROOT")
    charges = [
        ChargeFacts("s e1", "e1", "acme", "ci", D(2), "USD", NOV, "DEPT-A", path_a),
        ChargeFacts("s e2", "e2", "globex", "compute", D(3), "USD", NOV, "DEPT-B", path_b),
        ChargeFacts("s e3", "e3", "hooli", "ci", D(5), "USD", NOV, "DEPT-C", ("DEPT-C", "ROOT")),
    ]
    totals = {k[0]: v for k, v in evaluate(charges, book, {}, set()).own_totals.items()}
    assert totals == {"div": 5, "dept-a": 2, "root-ci": 7}


def test_a_scope_names_something_and_never_a_customer_and_a_cost_center():
    with pytest.raises(BudgetError):
        Scope()
    with pytest.raises(BudgetError):
        Scope("acme", cost_center="CC-1")
    assert Scope(cost_center="CC-1", service="ci").as_dict() == {
        "cost_center": "CC-1",
        "service": "ci",
    }


names = st.sampled_from(["acme", "globex", "initech", "hooli"])
services = st.sampled_from(["compute", "ci", "storage"])
scopes = st.one_of(
    st.builds(Scope, customer=names),
    st.builds(Scope, cost_center=st.sampled_from(["CC-1", "CC-2", "CC-9", "DIV"])),
    st.builds(Scope, service=services),
    st.builds(Scope, customer=names, service=services),
    st.builds(Scope, cost_center=st.sampled_from(["CC-1", "CC-2", "DIV"]), service=services),
)


@given(st.lists(scopes, max_size=12), names, services, st.sampled_from(["USD", "EUR"]))
def test_the_index_finds_exactly_the_budgets_a_scan_would(chosen, customer, service, currency):
    budgets = tuple(
        Budget(f"b{i}", s, D(10), "USD" if i % 3 else "EUR") for i, s in enumerate(chosen)
    )
    book = BudgetBook(budgets)
    center = (CENTERS[customer], "DIV") if customer in CENTERS else ()
    scanned = {b.id for b in budgets if b.applies_to(customer, service, currency, center)}
    assert {b.id for b in book.for_charge(customer, service, currency, center)} == scanned


def document(**fields):
    return {"id": "b1", "customer": "acme", "amount": "100", "currency": "USD"} | fields


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": 1.5}, "amount"),
        ({"currency": "ZZZ"}, "currency"),
        ({"customer": None}, "customer"),
        ({"cost_center": "CC-1"}, "cost_center"),
        ({"service": "bad id!"}, "service"),
        ({"id": ""}, "id"),
        ({"period": "fortnightly"}, "period"),
        ({"period": "custom"}, "period_start"),
        ({"period": "custom", "period_start": "2026-01-01"}, "period_end"),
        (
            {"period": "custom", "period_start": "2026-01-01T00:00:00", "period_end": "2026-02-01"},
            "period_start",
        ),
        ({"period_end": "2026-01-01"}, "period_end"),
        ({"time_zone": "Nowhere/Land"}, "time_zone"),
        ({"thresholds": [50, 50]}, "thresholds"),
        ({"thresholds": "50"}, "thresholds"),
        ({"forecast_thresholds": [-1]}, "forecast_thresholds"),
        ({"thresholds": [], "forecast_thresholds": []}, "thresholds"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_document_names_its_field(fields, field):
    with pytest.raises(FieldError) as error:
        budget_from_document(document(**fields), time_zones={})
    assert error.value.field == field


def test_defaults_apply_only_when_no_thresholds_are_named():
    plain = budget_from_document(document(), time_zones={})
    assert plain.thresholds == (50, 80, 100) and plain.forecast_thresholds == (100,)
    named = budget_from_document(document(thresholds=[90]), time_zones={})
    assert named.thresholds == (90,) and named.forecast_thresholds == ()
    forecast_only = budget_from_document(document(forecast_thresholds=["75.5"]), time_zones={})
    assert forecast_only.thresholds == () and forecast_only.forecast_thresholds == (D("75.5"),)


def test_the_time_zone_is_the_budgets_else_the_customers_else_utc():
    zones = {"acme": "Europe/Paris"}
    assert budget_from_document(document(), time_zones=zones).period.time_zone == "Europe/Paris"
    given = document(time_zone="Asia/Tokyo")
    assert budget_from_document(given, time_zones=zones).period.time_zone == "Asia/Tokyo"
    cc = {"id": "c", "cost_center": "CC-1", "amount": "1", "currency": "USD"}
    assert budget_from_document(cc, time_zones=zones).period.time_zone == "UTC"


def test_custom_dates_are_midnight_in_the_budget_time_zone():
    budget = budget_from_document(
        document(
            period="custom",
            period_start="2026-11-05",
            period_end="2027-02-05",
            time_zone="Europe/Paris",
        ),
        time_zones={},
    )
    assert isinstance(budget.period, CustomPeriod)
    assert budget.period.start == datetime(2026, 11, 4, 23, tzinfo=UTC)


documents = st.fixed_dictionaries(
    {
        "id": st.just("b1"),
        "amount": st.decimals(min_value="0.01", max_value=10**9, places=2).map(str),
        "currency": st.sampled_from(["USD", "EUR", "JPY"]),
    },
    optional={
        "customer": names,
        "service": services,
        "period": st.sampled_from(["monthly", "quarterly", "annual"]),
        "time_zone": st.sampled_from(["UTC", "Europe/Paris", "America/New_York"]),
        "thresholds": st.lists(st.integers(1, 300), min_size=1, max_size=5, unique=True),
        "forecast_thresholds": st.lists(st.integers(1, 300), max_size=3, unique=True),
    },
).filter(lambda d: "customer" in d or "service" in d)
documents = documents.filter(lambda d: d.get("forecast_thresholds") != [] or "thresholds" in d)


@given(documents)
def test_the_canonical_document_reads_back_as_the_same_budget(given_document):
    budget = budget_from_document(given_document, time_zones={"acme": "Asia/Tokyo"})
    canonical = document_of(budget, given_document)
    again = budget_from_document(canonical, time_zones={"acme": "Asia/Tokyo"})
    assert again == budget
    assert document_of(again, canonical) == canonical
