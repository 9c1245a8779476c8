"""The SQL ledger on SQLite and PostgreSQL: each event once, exact decimals, safe positions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from billing.adapters.ledger.schema import draft_invoice_lines, rated_charges
from billing.domain.exact import EXACT
from billing.domain.ledger import LedgerEntry
from terms.domain import Period

pytestmark = pytest.mark.integration
MAY = Period(2024, 5)
TOPIC = "usage.rated"


def entry(charge, offset, partition=0):
    return LedgerEntry(charge, TOPIC, partition, offset)


def snapshot(ledger):
    """Everything a replay must leave alone."""
    with ledger.engine.connect() as conn:
        lines = conn.execute(select(draft_invoice_lines).order_by(draft_invoice_lines.c.id))
        charges = conn.execute(select(rated_charges).order_by(rated_charges.c.id))
        return [tuple(r) for r in lines], [tuple(r) for r in charges]


def charge_count(ledger):
    with ledger.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(rated_charges)).scalar_one()


def test_the_same_batch_twice_changes_nothing(ledger, rated_charge):
    batch = [
        entry(rated_charge(f"e{i}", customer="acme" if i % 2 else "globex"), i // 2, i % 2)
        for i in range(6)
    ]
    bounds = {(TOPIC, 0): (0, 3), (TOPIC, 1): (0, 3)}

    first = ledger.record(group="billing", entries=batch, bounds=bounds)
    before = snapshot(ledger)
    again = ledger.record(group="billing", entries=batch, bounds=bounds)  # a replay

    assert (first.written, first.duplicates, first.fenced) == (6, 0, {})
    assert (again.written, again.fenced) == (0, {(TOPIC, 0): 3, (TOPIC, 1): 3})
    assert snapshot(ledger) == before
    assert ledger.positions("billing", [(TOPIC, 0), (TOPIC, 1)]) == {(TOPIC, 0): 3, (TOPIC, 1): 3}


def test_repeats_within_and_across_batches_are_charged_once(ledger, rated_charge):
    e1, e2, e3 = (rated_charge(f"e{i}", amount=f"1.00{i}") for i in (1, 2, 3))

    one = ledger.record(
        group="billing",
        entries=[entry(e1, 0), entry(e2, 1), entry(e1, 2)],
        bounds={(TOPIC, 0): (0, 3)},
    )
    two = ledger.record(
        group="billing", entries=[entry(e2, 3), entry(e3, 4)], bounds={(TOPIC, 0): (3, 5)}
    )

    assert (one.written, one.duplicates) == (2, 1)
    assert (two.written, two.duplicates) == (1, 1)
    assert [e.entry.charge.event_id for e in two.stored] == ["e3"]
    (line,) = ledger.draft_lines("acme", MAY)
    assert (line.amount, line.quantity, line.charges) == (Decimal("3.006"), Decimal(6), 3)
    assert charge_count(ledger) == 3


def test_a_replayed_event_leaves_the_line_totals_alone(ledger, rated_charge):
    ledger.record(group="billing", entries=[entry(rated_charge("e1"), 0)], bounds={})
    lines = ledger.draft_lines("acme", MAY)

    replay = ledger.record(
        group="billing", entries=[entry(rated_charge("e1", amount="99"), 0)], bounds={}
    )

    assert replay.written == 0
    assert ledger.draft_lines("acme", MAY) == lines


def test_the_fence_moves_a_position_only_from_where_it_stands(ledger, rated_charge):
    """The platform's one fence rule, in SQL: applied only over no position or its own."""

    def store(first, following, *entries):
        outcome = ledger.record(
            group="billing", entries=list(entries), bounds={(TOPIC, 0): (first, following)}
        )
        return outcome.fenced, ledger.positions("billing", [(TOPIC, 0)])[(TOPIC, 0)]

    assert store(0, 10) == ({}, 10)  # nothing stored yet: admitted
    assert store(4, 8, entry(rated_charge("zombie"), 4)) == ({(TOPIC, 0): 10}, 10)  # replay
    assert store(12, 14, entry(rated_charge("gap"), 12)) == ({(TOPIC, 0): 10}, 10)  # a gap
    assert store(10, 12, entry(rated_charge("next"), 11)) == ({}, 12)
    assert [c.event_id for c in ledger.charges(customer="acme", period=MAY)] == ["next"]
    assert ledger.positions("other-group", [(TOPIC, 0)]) == {}
    assert ledger.positions("billing", [(TOPIC, 1)]) == {}


def test_decimals_round_trip_exactly_and_are_never_stored_as_floats(ledger, rated_charge):
    tiny, huge = "0.000000000123456789", "123456789012345678901234567890"
    charges = [
        rated_charge("e1", quantity=tiny, unit_price="1", amount=tiny),
        rated_charge("e2", quantity="1", unit_price=huge, amount=huge),
    ]

    ledger.record(group="billing", entries=[entry(c, i) for i, c in enumerate(charges)], bounds={})

    stored = ledger.charges(customer="acme", period=MAY)
    assert [(s.quantity, s.unit_price, s.amount) for s in stored] == [
        (Decimal(tiny), Decimal(1), Decimal(tiny)),
        (Decimal(1), Decimal(huge), Decimal(huge)),
    ]
    (line,) = ledger.draft_lines("acme", MAY)
    assert format(line.amount, "f") == "123456789012345678901234567890.000000000123456789"
    assert line.amount == EXACT.add(Decimal(huge), Decimal(tiny))
    with ledger.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            kind, expected = "typeof({})", {"text"}
        else:
            kind, expected = "pg_typeof({})::text", {"numeric"}
        for table in ("rated_charges", "draft_invoice_lines"):
            query = f"SELECT DISTINCT {kind.format('amount')} FROM {table}"
            assert set(conn.execute(text(query)).scalars()) == expected


def test_a_charge_is_filed_under_the_period_it_carries_with_its_context(ledger, rated_charge):
    may_31_evening_in_brazil = datetime(2024, 5, 31, 23, 30, tzinfo=timezone(timedelta(hours=-3)))
    utc = rated_charge("e1", event_time=may_31_evening_in_brazil)  # June in UTC
    new_york = rated_charge(
        "e2", event_time=may_31_evening_in_brazil, time_zone="America/New_York", cost_center="CC-7"
    )  # still May where rating cut its period

    ledger.record(group="billing", entries=[entry(utc, 0), entry(new_york, 1)], bounds={})

    (in_may,) = ledger.charges(customer="acme", period=MAY)
    (in_june,) = ledger.charges(customer="acme", period=Period(2024, 6))
    assert (in_june.event_id, in_june.period, in_june.time_zone) == ("e1", "2024-06", "UTC")
    assert in_june.event_time == datetime(2024, 6, 1, 2, 30, tzinfo=UTC)
    assert in_june.recorded_at.tzinfo is not None
    assert (in_may.event_id, in_may.time_zone, in_may.cost_center) == (
        "e2", "America/New_York", "CC-7",
    )  # fmt: skip
    assert [line.charges for line in ledger.draft_lines("acme", MAY)] == [1]


def test_the_charges_behind_a_line_come_in_pages(ledger, rated_charge):
    batch = [entry(rated_charge(f"c{i}"), i) for i in range(5)]
    batch += [entry(rated_charge(f"r{i}", meter="ram"), 5 + i) for i in range(2)]
    batch += [entry(rated_charge("g1", customer="globex"), 7)]
    ledger.record(group="billing", entries=batch, bounds={})

    first = ledger.charges(customer="acme", period=MAY, service="compute", meter="cpu", limit=3)
    rest = ledger.charges(
        customer="acme", period=MAY, service="compute", meter="cpu", limit=3, after=first[-1].id
    )

    assert [c.event_id for c in first + rest] == [f"c{i}" for i in range(5)]
    assert len(ledger.charges(customer="acme", period=MAY)) == 7
    lines = {(ln.meter, ln.charges) for ln in ledger.draft_lines("acme", MAY)}
    assert lines == {("cpu", 5), ("ram", 2)}


def test_concurrent_writers_of_overlapping_batches_charge_each_event_once(ledger, rated_charge):
    import random
    from concurrent.futures import ThreadPoolExecutor

    charges = [rated_charge(f"e{i}", amount=f"0.00{i % 10}1", meter=f"m{i % 3}") for i in range(60)]

    def writer(seed):
        picked = random.Random(seed).sample(charges, 40)
        batch = [entry(c, i) for i, c in enumerate(picked)]
        # Each writer its own partition (the fence admits it); events overlap across them.
        return ledger.record(group="billing", entries=batch, bounds={(TOPIC, seed): (0, 40)})

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(writer, range(8)))

    stored = {c.entry.charge.event_id for o in outcomes for c in o.stored}
    assert sum(o.written for o in outcomes) == len(stored) == charge_count(ledger)
    lines = ledger.draft_lines("acme", MAY)
    by_id = {c.event_id: c for c in charges}
    assert sum(ln.charges for ln in lines) == len(stored)
    assert sum(ln.amount for ln in lines) == sum(by_id[i].amount for i in stored)
    parts = [(TOPIC, seed) for seed in range(8)]
    assert ledger.positions("billing", parts) == {part: 40 for part in parts}
