"""The event's own time picks the price-book version; boundaries belong to the newer one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rating_helpers import RATED_AT, EventFactory, make_book

from terms.domain import NoPriceBookInForce, PriceBookCatalog


@pytest.fixture
def catalog() -> PriceBookCatalog:
    # Given out of order on purpose: the catalog orders versions by effective_from.
    return PriceBookCatalog(
        [
            make_book(version="2025", effective_from="2025-01-01T00:00:00Z", price="0.03"),
            make_book(version="2024", effective_from="2024-01-01T00:00:00Z", price="0.05"),
            make_book(version="2024-07", effective_from="2024-07-01T02:00:00+02:00", price="0.04"),
        ]
    )


@pytest.mark.parametrize(
    ("moment", "version"),
    [
        ("2024-01-01T00:00:00Z", "2024"),  # exactly at the start: in force
        ("2024-06-30T23:59:59.999999Z", "2024"),  # a microsecond before the next version
        ("2024-07-01T00:00:00Z", "2024-07"),  # 02:00+02:00 is midnight UTC
        ("2024-07-01T01:59:59+02:00", "2024"),  # same instant as 23:59:59Z the day before
        ("2024-12-31T23:59:59Z", "2024-07"),
        ("2025-01-01T00:00:00Z", "2025"),
        ("2031-05-05T00:00:00Z", "2025"),  # the latest version stays in force
    ],
)
def test_the_latest_version_not_after_the_moment_is_in_force(
    catalog: PriceBookCatalog, moment: str, version: str
) -> None:
    assert catalog.in_force_at(datetime.fromisoformat(moment)).version == version


def test_before_the_earliest_version_nothing_is_in_force(
    catalog: PriceBookCatalog, make_event: EventFactory
) -> None:
    with pytest.raises(NoPriceBookInForce) as refused:
        catalog.rate(make_event(time="2023-12-31T23:59:59Z"), rated_at=RATED_AT)
    assert refused.value.reason == "no_price_book_in_force"
    assert refused.value.field == "time"


def test_a_late_event_is_priced_by_the_version_in_force_when_the_usage_happened(
    catalog: PriceBookCatalog, make_event: EventFactory
) -> None:
    late = make_event(time="2024-12-31T23:30:00Z", ingesttime="2025-01-02T08:00:00Z", quantity="10")
    charge = catalog.rate(late, rated_at=datetime(2025, 1, 2, 8, 0, 1, tzinfo=UTC))
    assert charge.price_book_version == "2024-07"
    assert str(charge.amount) == "0.40"


def test_each_version_knows_when_it_ends(catalog: PriceBookCatalog) -> None:
    ends = [catalog.effective_until(book) for book in catalog.versions]
    assert ends == [
        datetime(2024, 7, 1, tzinfo=UTC),
        datetime(2025, 1, 1, tzinfo=UTC),
        None,
    ]


def test_an_empty_catalog_prices_nothing(make_event: EventFactory) -> None:
    with pytest.raises(NoPriceBookInForce):
        PriceBookCatalog([]).rate(make_event(), rated_at=RATED_AT)
