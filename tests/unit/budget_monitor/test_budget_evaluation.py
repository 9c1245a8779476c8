"""Evaluating a run of rated charges: duplicates, partitions, scope, currency."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from budget_monitor.domain import (
    Budget,
    BudgetBook,
    ChargeFacts,
    Opening,
    Scope,
    evaluate,
    spend_keys,
)

D = Decimal
NOV = datetime(2026, 11, 20, 12, tzinfo=UTC)
DEC = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
BOOK = BudgetBook(
    (
        Budget("acme", Scope("acme"), D("10"), "USD"),
        Budget("acme-compute", Scope("acme", "compute"), D("4"), "USD", thresholds=(D(100),)),
        Budget("globex", Scope("globex"), D("10"), "EUR"),
    )
)


def charge(
    n: int,
    amount: str,
    *,
    customer: str = "acme",
    service: str = "compute",
    currency: str = "USD",
    when: datetime = NOV,
) -> ChargeFacts:
    return ChargeFacts(f"src e{n}", f"e{n}", customer, service, D(amount), currency, when)


def test_a_charge_counts_in_every_budget_whose_scope_covers_it():
    result = evaluate([charge(1, "3"), charge(2, "2", service="storage")], BOOK, {}, set())
    assert result.own_totals == {("acme", "2026-11"): D(5), ("acme-compute", "2026-11"): D(3)}
    assert result.outcomes == {"counted": 2}


def test_duplicates_in_the_batch_or_already_seen_count_once():
    charges = [charge(1, "3"), charge(1, "3"), charge(2, "4")]
    result = evaluate(charges, BOOK, {}, seen={"src e2"})
    assert result.own_totals[("acme", "2026-11")] == D(3)
    assert result.counted == ["src e1"]
    assert result.outcomes == {"counted": 1, "duplicate": 2}


def test_crossings_use_the_other_partitions_spend_and_name_the_charge():
    opening = {("acme", "2026-11"): Opening(own=D("1"), others=D("3.5"))}
    result = evaluate([charge(7, "0.5"), charge(8, "4")], BOOK, opening, set())
    by_budget = [
        (t.crossing.budget_id, t.crossing.threshold_percent, t.event_id) for t in result.crossings
    ]
    assert by_budget == [
        ("acme", D(50), "e7"),  # 3.5 + 1 + 0.5 = 5.0: exactly 50 %
        ("acme", D(80), "e8"),
        ("acme-compute", D(100), "e8"),
    ]
    assert result.own_totals[("acme", "2026-11")] == D("5.5")  # own only, others untouched
    assert result.crossings[0].crossing.spent == D("5.0")


def test_each_period_is_its_own_spend():
    result = evaluate([charge(1, "6"), charge(2, "6", when=DEC)], BOOK, {}, set())
    assert [
        (t.crossing.period, t.crossing.threshold_percent)
        for t in result.crossings
        if t.crossing.budget_id == "acme"
    ] == [("2026-11", D(50)), ("2026-12", D(50))]
    assert spend_keys([charge(1, "1", when=DEC)], BOOK) == {
        ("acme", "2026-12"),
        ("acme-compute", "2026-12"),
    }


def test_charges_without_a_budget_or_in_another_currency_are_told_apart():
    charges = [charge(1, "5", customer="initech"), charge(2, "5", customer="globex")]
    result = evaluate(charges, BOOK, {}, set())
    assert result.own_totals == {} and result.crossings == []
    assert result.outcomes == {"no_budget": 1, "other_currency": 1}


def test_full_precision_amounts_are_added_exactly():
    tiny = "0.000000000000000000000000000001"  # 1e-30: beyond the default 28 digits
    result = evaluate([charge(1, "1000000"), charge(2, tiny)], BOOK, {}, set())
    exact_sum = D("1000000.000000000000000000000000000001")
    assert result.own_totals[("acme", "2026-11")] == exact_sum
    assert D("1000000") + D(tiny) != exact_sum  # what the default context would have kept


@given(
    st.lists(st.tuples(st.integers(0, 15), st.decimals(0, 5, places=3)), max_size=30),
    st.integers(1, 5),
)
def test_splitting_a_stream_into_batches_changes_nothing(stream, size):
    """Batch by batch (carrying own spend and seen ids) = all at once, duplicates included."""
    charges = [charge(n, str(a)) for n, a in stream]
    whole = evaluate(charges, BOOK, {}, set())
    opening: dict = {}
    seen: set[str] = set()
    crossings = []
    for i in range(0, len(charges), size):
        part = evaluate(charges[i : i + size], BOOK, opening, seen)
        opening = {**opening, **{k: Opening(own=v) for k, v in part.own_totals.items()}}
        seen |= set(part.counted)
        crossings += part.crossings
    assert {k: v.own for k, v in opening.items()} == whole.own_totals
    assert [t.crossing.alert_id for t in crossings] == [
        t.crossing.alert_id for t in whole.crossings
    ]
