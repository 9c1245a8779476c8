"""The negotiation of a plan: who may take which step in which state, overlaps, and the
budgets an approved plan makes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from budget_monitor.domain import Scope, budget_from_document
from budget_monitor.domain.plans import (
    Actor,
    FiscalYear,
    Plan,
    PlanForbidden,
    PlanStateError,
    PlanVersion,
    belongs,
    budget_documents,
    check_actor,
    clash,
    step,
)

D = Decimal
NOW = datetime(2026, 11, 2, tzinfo=UTC)
FINANCE = Actor("ops", "finance")
ACME = Actor("acme key", "customer", "acme")
YEAR = FiscalYear(2027)


DIV_1 = Scope(cost_center="DIV-1")


def plan(state="draft", scope=DIV_1, **fields) -> Plan:
    months = tuple((m, D("100.00")) for m in YEAR.keys)
    version = PlanVersion(1, D("1200.00"), months, "even", "explicit", "proposal", "ops",
                          "finance", "", NOW)  # fmt: skip
    values = dict(id="pln_1", scope=scope, year=YEAR, currency="USD", time_zone="UTC",
                  state=state, lineage="pln_1", created_by="ops", created_at=NOW,
                  updated_at=NOW, versions=(version,))  # fmt: skip
    return Plan(**(values | fields))


def test_a_plan_moves_draft_submitted_approved_and_nothing_changes_an_approved_one():
    assert step(plan("draft"), "submit") == "submitted"
    assert step(plan("submitted"), "approve") == "approved"
    assert step(plan("submitted"), "reject") == "rejected"
    assert step(plan("submitted"), "version") == "submitted"
    with pytest.raises(PlanStateError, match="approved: it cannot be changed or countered"):
        step(plan("approved"), "version")
    with pytest.raises(PlanStateError, match="is draft; approve needs it submitted"):
        step(plan("draft"), "approve")
    with pytest.raises(PlanStateError):
        step(plan("rejected"), "submit")


def test_only_finance_approves_and_only_the_business_unit_counters():
    check_actor(plan(), "approve", FINANCE, member=False)
    with pytest.raises(PlanForbidden, match="only finance may approve"):
        check_actor(plan(), "approve", ACME, member=True)
    check_actor(plan(), "version", ACME, member=True)
    with pytest.raises(PlanForbidden, match="not for this key's business unit"):
        check_actor(plan(), "version", ACME, member=False)
    with pytest.raises(PlanForbidden):
        check_actor(plan(), "submit", Actor("e", "emitter"), member=True)


def test_a_customer_belongs_to_a_plan_of_its_own_or_of_a_node_above_its_cost_centre():
    path = ("DEPT-A", "DIV-1", "ROOT")
    assert belongs(Scope(cost_center="DIV-1"), "acme", path)
    assert belongs(Scope(cost_center="DIV-1", service="ci"), "acme", path)
    assert not belongs(Scope(cost_center="DIV-2"), "acme", path)
    assert belongs(Scope("acme"), "acme", ())
    assert not belongs(Scope(service="ci"), "acme", path)


def test_a_live_plan_of_the_same_scope_and_overlapping_year_clashes():
    approved = plan("approved", id="pln_a")
    offset = plan(id="pln_b", year=FiscalYear(2027, 7))  # 2027-07 .. 2028-06 overlaps
    assert clash(offset, [approved]) is approved
    assert clash(plan(id="pln_c", year=FiscalYear(2028)), [approved]) is None
    assert clash(plan(id="pln_d", scope=Scope(cost_center="DIV-2")), [approved]) is None
    assert clash(plan(id="pln_e"), [plan("rejected", id="pln_r")]) is None
    # a re-forecast does not clash with the plan it supersedes
    assert clash(plan(id="pln_f", supersedes="pln_a"), [approved]) is None


def test_approval_makes_monthly_annual_and_year_to_date_budgets():
    made = plan("approved", variance_threshold=D(10), thresholds=(D(80), D(100)))
    documents = {d["id"]: d for d in budget_documents(made)}
    assert len(documents) == 25
    january = documents["pln_1.2027-01"]
    assert (january["amount"], january["period_start"], january["period_end"]) == (
        "100.00",
        "2027-01-01",
        "2027-02-01",
    )
    assert january["cost_center"] == "DIV-1" and january["thresholds"] == ["80", "100"]
    assert documents["pln_1.year"]["amount"] == "1200.00"
    march = documents["pln_1.ytd.2027-03"]
    assert (march["amount"], march["period_start"], march["period_end"]) == (
        "300.00",
        "2027-01-01",
        "2027-04-01",
    )
    assert (march["thresholds"], march["forecast_thresholds"]) == (["110"], [])
    for document in documents.values():  # each is a budget the monitor evaluates
        budget_from_document(document, time_zones={})


def test_a_month_planned_at_zero_gets_no_budget_and_a_reforecast_keeps_the_line():
    months = tuple((m, D("1200.00") if m == "2027-06" else D(0)) for m in YEAR.keys)
    version = replace(plan().latest, months=months)
    made = plan("approved", id="pln_2", lineage="pln_1", versions=(version,))
    ids = {d["id"] for d in budget_documents(made)}
    assert ids == {"pln_1.2027-06", "pln_1.year"}
