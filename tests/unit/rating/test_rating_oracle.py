"""The oracle: de-duplicated by (source, id), rated with the same domain code, exact totals."""

from __future__ import annotations

from decimal import Decimal

from rating_helpers import RATED_AT, EventFactory, make_book

from terms.domain import PriceBookCatalog, rate_events, totals


def catalog() -> PriceBookCatalog:
    return PriceBookCatalog([make_book(price="0.05")])


def test_duplicates_by_source_and_id_are_charged_once_first_wins(make_event: EventFactory) -> None:
    first = make_event(id="a", quantity="10")
    resent = make_event(id="a", quantity="999")  # same identity, whatever its content
    other_source = make_event(id="a", source="//ci/runner-7", quantity="2")
    charges, rejections = rate_events([first, resent, other_source, first], catalog())
    assert rejections == []
    assert [(c.event_source, c.event_id, c.amount) for c in charges] == [
        ("//clusters/eu-1", "a", Decimal("0.50")),
        ("//ci/runner-7", "a", Decimal("0.10")),
    ]


def test_rejections_name_the_event_and_reason_and_are_not_repeated(
    make_event: EventFactory,
) -> None:
    unknown = make_event(id="u", meter="gpu_hours")
    early = make_event(id="e", time="2020-01-01T00:00:00Z")
    charges, rejections = rate_events([unknown, unknown, early, make_event()], catalog())
    assert len(charges) == 1
    assert [(r.event.id, r.reason, r.field) for r in rejections] == [
        ("u", "unknown_meter", "data.meter"),
        ("e", "no_price_book_in_force", "time"),
    ]


def test_the_oracle_is_deterministic_by_default(make_event: EventFactory) -> None:
    events = [make_event(id=str(i), quantity=str(i)) for i in range(5)]
    assert rate_events(events, catalog()) == rate_events(events, catalog())
    charges, _ = rate_events(events, catalog())
    assert all(c.rated_at == c.ingested_at for c in charges)
    pinned, _ = rate_events(events, catalog(), rated_at=RATED_AT)
    assert {c.rated_at for c in pinned} == {RATED_AT}


def test_totals_are_exact_sums_by_customer_and_currency(make_event: EventFactory) -> None:
    events = [
        make_event(customer="acme", quantity="0.1"),
        make_event(customer="acme", quantity="0.2"),
        make_event(customer="globex", quantity="123456789012345678901234567890"),
        make_event(customer="globex", quantity="0.000000000000000001"),
    ]
    charges, _ = rate_events(events, catalog())
    assert totals(charges) == {
        ("acme", "USD"): Decimal("0.015"),
        ("globex", "USD"): Decimal("6172839450617283945061728394.50000000000000000005"),
    }
    by_meter = totals(charges, key=lambda charge: charge.meter)
    assert list(by_meter) == [("cpu_hours", "USD")]
