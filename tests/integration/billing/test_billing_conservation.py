"""Conservation, as a property over generated rated-charge streams, on SQLite and PostgreSQL.

For every billed period: the exact sum of the rated amounts billed in it = the exact
sum of its document lines (drafts and finalized alike) = the journal's usage debits
= its usage credits, to the last decimal; the period's trial balance balances; each
finalized document's printed total is what its customer's account holds for it
(rated amounts + the rounding difference, posted on its own account); and every
line's charges, drilled down, are exactly the event ids behind it.

Streams mix customers in three time zones (each charge carrying the period rating cut
in its customer's zone) and statement types, duplicates (same
event, other amount), replays of whole batches, and a finalization of May half-way,
after which May's usage is billed as June adjustments. Rounding enters only where a
document line is rounded once (`Money.rounded()`): the sums above are unrounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from billing_support import catalog_of, configure, price_book
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from billing.adapters.ledger.tables import metadata
from billing.domain.ledger import LedgerEntry
from billing.domain.trial_balance import trial_balance
from chargeback.money import EXACT, exact_sum
from terms.domain import Period

pytestmark = pytest.mark.integration
CUSTOMERS = {  # billing settings
    "ext": {},
    "dept": {"kind": "internal", "statement_type": "chargeback"},
    "show": {"kind": "internal", "statement_type": "showback"},
}
ZONES = {"ext": "UTC", "dept": "Europe/Berlin", "show": "America/New_York"}
TERMS = catalog_of(price_book({c: {"time_zone": zone} for c, zone in ZONES.items()}))
PERIODS = [Period(2024, m) for m in (4, 5, 6, 7)]
START = datetime(2024, 4, 28, tzinfo=UTC)


@dataclass(frozen=True)
class Draw:
    event: int
    customer: str
    service: str
    amount: Decimal
    minutes: int  # after START


charges = st.builds(
    Draw,
    event=st.integers(0, 60),
    customer=st.sampled_from(sorted(CUSTOMERS)),
    service=st.sampled_from(["compute", "storage"]),
    amount=st.builds(
        lambda n, places: Decimal(n).scaleb(-places),
        st.integers(-(10**6), 10**12),
        st.integers(0, 18),
    ),
    minutes=st.integers(0, 70 * 24 * 60),
)
streams = st.tuples(
    st.lists(st.lists(charges, min_size=1, max_size=12), min_size=1, max_size=8),
    st.integers(0, 8),  # finalize May after this many batches
    st.lists(st.integers(0, 7), max_size=3),  # batches replayed at the end
)


def reset(ledger):
    with ledger.engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(delete(table))


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(stream=streams)
def test_every_period_conserves_rated_amounts(ledger, books, rated_charge, stream):
    reset(ledger)
    configure(ledger, **CUSTOMERS)
    batches, finalize_after, replays = stream
    expected: dict[tuple[str, str], Decimal] = {}  # (customer, billed period) -> amount
    events: dict[tuple[str, str], set[str]] = {}
    seen: set[str] = set()
    closed = False
    offset = 0
    made = []
    for index, batch in enumerate(batches):
        if index == finalize_after:
            _finalize_may(books)
            closed = True
        entries = []
        for draw in batch:
            offset += 1
            event_id = f"ev-{draw.event}"
            charge = rated_charge(
                event_id,
                customer=draw.customer,
                service=draw.service,
                amount=str(draw.amount),
                event_time=START + timedelta(minutes=draw.minutes),
                terms=TERMS,  # rating cuts its period in the customer's zone
            )
            entries.append(LedgerEntry(charge, "usage.rated", 0, offset))
            if event_id in seen:
                continue  # a duplicate: the first one is charged, whatever this one says
            seen.add(event_id)
            billed = Period.of(charge.event_time, ZoneInfo(ZONES[draw.customer]))
            if closed and billed <= Period(2024, 5):
                billed = Period(2024, 6)
            key = (draw.customer, str(billed))
            expected[key] = EXACT.add(expected.get(key, Decimal(0)), draw.amount)
            events.setdefault(key, set()).add(event_id)
        made.append(entries)
        ledger.record(group="billing", entries=entries, bounds={})
    for index in replays:
        if index < len(made):
            assert ledger.record(group="billing", entries=made[index], bounds={}).written == 0
    for period in PERIODS:
        _check_period(ledger, books, str(period), expected, events)


def _finalize_may(books):
    for customer in CUSTOMERS:
        books.finalize(customer, Period(2024, 5), catalog=TERMS, default_currency="USD")


def _check_period(ledger, books, period, expected, events):
    rated = exact_sum(v for (c, p), v in expected.items() if p == period)
    lines = Decimal(0)
    for customer in CUSTOMERS:
        document_lines = _lines(ledger, books, customer, Period.parse(period))
        lines = EXACT.add(lines, exact_sum(amount for amount, _ in document_lines))
        _check_drill_down(
            ledger, customer, Period.parse(period), events.get((customer, period), set())
        )
    entries = [
        e for e in books.journal(period=period, limit=10_000) if e.source in ("usage", "late_usage")
    ]
    debits = exact_sum(d for e in entries for _, d, _ in e.lines)
    credits = exact_sum(c for e in entries for _, _, c in e.lines)
    # Negative amounts post the other way round: the net of the customers' side is the sum.
    sides = ("receivable", "chargeback", "showback")
    net = exact_sum(
        EXACT.subtract(d, c)
        for e in entries
        for account, d, c in e.lines
        if account.split(":")[0] in sides
    )
    assert rated == lines == net, period
    assert debits == credits
    assert trial_balance(period, books.postings(period)).balanced


def _lines(ledger, books, customer, period):
    closed = ledger.customer_states([customer])[customer].closed_through
    if closed is not None and period <= closed:
        found = []
        for stored in books.documents(customer=customer, period=str(period), limit=100):
            doc = stored.document
            found += [(ln.exact_amount, ln.charges) for ln in doc.lines]
            account = {"dept": "chargeback:dept", "show": "showback:show"}.get(
                customer, f"receivable:{customer}"
            )
            postings = [
                EXACT.subtract(d, c) for a, _, d, c in books.postings(str(period)) if a == account
            ]
            # The customer's account holds the printed (rounded) total, to the cent.
            assert exact_sum(postings) == doc.total.amount
        return found
    return [(line.amount, line.charges) for line in ledger.draft_lines(customer, period)]


def _check_drill_down(ledger, customer, period, expected_events):
    found, after = [], 0
    while page := ledger.charges(customer=customer, period=period, after=after, limit=500):
        found += page
        after = page[-1].id
    assert {c.event_id for c in found} == expected_events
    drafts = ledger.draft_lines(customer, period)
    assert exact_sum(c.amount for c in found) == exact_sum(line.amount for line in drafts)
    assert len(found) == sum(line.charges for line in drafts)
