"""Billing reads customer terms from the one registry of published price-book versions,
and takes periods only inside the platform's calendar (400 with the reason otherwise)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from billing_support import Clock, billing_api, catalog_of, price_book, store
from redis.asyncio import Redis

from rating.bootstrap import build_app as build_rating
from terms.adapters import open_registry

pytestmark = pytest.mark.integration
BOOK = price_book({"acme": {"name": "ACME", "cost_center": "CC-1"}})
TERMS = catalog_of(BOOK)


class IdleWorker:
    ready = True

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class NoUsage:
    async def used_in_period(self, customer: str, period: str) -> dict[tuple[str, str], Decimal]:
        return {}


async def test_a_version_published_through_ratings_api_is_in_force_without_a_restart(
    database_url, keys, tmp_path, redis_url, rated_charge
):
    starts = (datetime.now(UTC) + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    newer = price_book(
        {
            "acme": {
                "name": "ACME Europe",
                "cost_center": "CC-2",
                "time_zone": "Europe/Berlin",
                "overrides": {"compute": {"cpu": {"committed": "100"}}},
            }
        },
        version="test-2",
        effective_from=starts.isoformat(),
        currency="EUR",
    )
    clock = Clock(starts - timedelta(minutes=30))
    redis = Redis.from_url(redis_url)
    rating = build_rating(
        worker=IdleWorker(), registry=open_registry(redis), usage=NoUsage(), keys=keys.store
    )
    finance = keys.bearer(keys.finance)
    try:
        async with billing_api(database_url, keys, tmp_path, clock, redis_url, book=BOOK) as (
            billing,
            *_,
        ):
            before = (await billing.get("/v1/customers/acme", headers=finance)).json()
            transport = httpx.ASGITransport(app=rating)
            async with httpx.AsyncClient(transport=transport, base_url="http://rating") as client:
                published = await client.post(
                    "/v1/price-books",
                    content=newer,
                    headers={**finance, "Content-Type": "application/yaml"},
                )
            clock.now = starts + timedelta(minutes=1)
            after = (await billing.get("/v1/customers/acme", headers=finance)).json()
            period = starts.astimezone(UTC).strftime("%Y-%m")
            draft = (
                await billing.get(
                    "/v1/invoices", params={"customer": "acme", "period": period}, headers=finance
                )
            ).json()
    finally:
        await redis.aclose()

    assert published.status_code == 201, published.text
    assert (before["terms"]["price_book_version"], before["terms"]["cost_center"]) == (
        "test-1", "CC-1",
    )  # fmt: skip
    assert after["terms"] == {
        "price_book_version": "test-2",
        "name": "ACME Europe",
        "cost_center": "CC-2",
        "time_zone": "Europe/Berlin",
        "currency": "EUR",
        "commitments": [{"service": "compute", "meter": "cpu", "committed": "100"}],
    }
    assert (draft["cost_center"], draft["time_zone"], draft["currency"]) == (
        "CC-2", "Europe/Berlin", "EUR",
    )  # fmt: skip


async def test_the_seed_is_published_at_start_once(database_url, keys, tmp_path, redis_url):
    clock = Clock(datetime(2024, 7, 10, tzinfo=UTC))
    for _ in range(2):  # a restart publishes nothing new
        async with billing_api(database_url, keys, tmp_path, clock, redis_url, book=BOOK) as (
            _,
            _,
            _,
            registry,
        ):
            catalog = await registry.refresh()
            assert [book.version for book in catalog.versions] == ["test-1"]
            assert registry.generation == 1


async def test_a_term_in_the_settings_file_stops_the_start_with_the_reason(
    database_url, keys, tmp_path, redis_url
):
    settings = tmp_path / "customers.yaml"
    settings.write_text("customers:\n  acme: {kind: external, cost_center: CC-9}\n")
    clock = Clock(datetime(2024, 7, 10, tzinfo=UTC))

    with pytest.raises(ValueError, match="customer acme: cost_center is a term") as refused:
        async with billing_api(
            database_url, keys, tmp_path, clock, redis_url, customers_file=settings
        ):
            pass

    assert "publishing a price-book version" in str(refused.value)


BAD_PERIODS = {
    "9999-12": "2000-01 to 2999-12",
    "0000-01": "2000-01 to 2999-12",
    "1999-12": "2000-01 to 2999-12",
    "2024-13": "month must be 01 to 12",
}


def requests_with(period: str) -> list[tuple[str, str, dict]]:
    """Every billing API that takes a period: (method, path, params)."""
    return [
        ("GET", "/v1/invoices", {"customer": "acme", "period": period}),
        ("POST", f"/v1/invoices/acme/{period}/finalize", {}),
        ("GET", f"/v1/invoices/acme/{period}/charges", {}),
        ("GET", "/v1/documents", {"period": period}),
        ("GET", "/v1/spend", {"period": period}),
        ("GET", "/v1/dashboard/filters", {"period": period}),
        ("GET", "/v1/trial-balance", {"period": period}),
        ("GET", "/v1/allocation", {"period": period}),
        ("GET", "/v1/cost-recovery", {"period": period}),
        ("GET", "/v1/journal", {"period": period}),
        ("PUT", "/v1/costs/compute", {"period": period}),
        ("GET", "/v1/exports/csv", {"period": period}),
        ("GET", "/v1/exports/json", {"period": period}),
        ("GET", "/v1/exports/focus", {"period": period}),
    ]


@pytest.mark.parametrize("period", sorted(BAD_PERIODS))
async def test_every_api_taking_a_period_refuses_one_outside_the_calendar_with_400(
    database_url, keys, tmp_path, redis_url, clock, rated_charge, period
):
    async with billing_api(database_url, keys, tmp_path, clock, redis_url, book=BOOK) as (
        client,
        ledger,
        *_,
    ):
        store(ledger, [rated_charge("e1", terms=TERMS)])
        answers = []
        for method, path, params in requests_with(period):
            body = {"fixed": {"licences": "1.00"}} if method == "PUT" else None
            answer = await client.request(
                method, path, params=params, json=body, headers=keys.bearer(keys.finance)
            )
            answers.append((method, path, answer.status_code, answer.json()["detail"]))

    for method, path, status, detail in answers:
        assert status == 400, (method, path, status, detail)
        assert BAD_PERIODS[period] in detail, (method, path, detail)


async def test_the_calendars_first_and_last_months_are_billed_and_exported_whole(
    database_url, keys, tmp_path, redis_url, rated_charge
):
    far = price_book(
        {"acme": {"time_zone": "Pacific/Kiritimati"}},  # UTC+14
        effective_from="2000-01-01T00:00:00Z",
    )
    terms = catalog_of(far)
    clock = Clock(datetime(2999, 12, 20, tzinfo=UTC))
    charges = [
        rated_charge("first", amount="1", event_time=datetime(2000, 1, 1, tzinfo=UTC), terms=terms),
        rated_charge(
            "last", amount="2", event_time=datetime(2999, 12, 31, 9, tzinfo=UTC), terms=terms
        ),
    ]
    async with billing_api(database_url, keys, tmp_path, clock, redis_url, book=far) as (
        client,
        ledger,
        *_,
    ):
        store(ledger, charges)
        finance = keys.bearer(keys.finance)
        exports = {
            period: await client.get("/v1/exports/json", params={"period": period}, headers=finance)
            for period in ("2000-01", "2999-12")
        }
        spend = await client.get("/v1/spend", params={"period": "2999-12"}, headers=finance)

    for period, answer in exports.items():
        assert answer.status_code == 200, answer.text
        rows = json.loads(answer.text)  # complete: the stream was never cut off
        assert {r["period"] for r in rows} == {period}
    assert spend.status_code == 200 and spend.json()["total"] == "2.00"
    assert spend.json()["period_end"] == "2999-12-31T10:00:00Z"  # midnight at UTC+14
