"""The dashboard's read API over a real ledger (SQLite and PostgreSQL), and its page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from billing_support import Clock, billing_api, catalog_of, price_book, store

pytestmark = pytest.mark.integration

BOOK = price_book(
    {
        "acme": {"name": "ACME Corp", "cost_center": "CC-1", "time_zone": "Asia/Tokyo"},
        "globex": {"name": "Globex", "cost_center": "CC-2"},
        "initech": {"name": "Initech", "cost_center": "CC-2"},
    }
)
TERMS = catalog_of(BOOK)


@pytest.fixture
async def api(database_url, keys, tmp_path, redis_url) -> AsyncIterator[httpx.AsyncClient]:
    """The billing app on a clock 20 days into May 2024; `api.ledger` writes charges."""
    clock = Clock(datetime(2024, 5, 21, tzinfo=UTC))  # 20 of May's 31 days gone
    async with billing_api(database_url, keys, tmp_path, clock, redis_url, book=BOOK) as (
        client,
        ledger,
        _,
        _,
    ):
        client.ledger = ledger
        yield client


JUNE = datetime(2024, 6, 2, tzinfo=UTC)


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2024, 5, day, hour, tzinfo=UTC)


@pytest.fixture
def charged(api, rated_charge):
    def charge(event_id, **fields):
        return rated_charge(event_id, terms=TERMS, **fields)  # as rating made them

    store(
        api.ledger,
        [
            charge("a1", amount="1.004", event_time=at(2)),
            charge("a2", amount="0.000000000000000000000000000001", event_time=at(2)),
            # 20:00 UTC on May 9 is May 10 in Tokyo: acme's day.
            charge("a3", service="storage", amount="2.5", event_time=at(9, 20)),
            charge("g1", customer="globex", amount="10", event_time=at(3)),
            charge("g2", customer="globex", service="storage", amount="0.125", event_time=at(20)),
            charge("i1", customer="initech", amount="5", event_time=at(20)),
            charge("june", customer="globex", amount="99", event_time=JUNE),
            charge("eur", customer="initech", amount="7", currency="EUR", event_time=at(4)),
        ],
    )


async def get(api, keys, key, path="/v1/spend", **params):
    return await api.get(path, params=params, headers=keys.bearer(key))


async def test_finance_sees_spend_by_customer_service_and_day_with_a_forecast(api, keys, charged):
    answer = await get(api, keys, keys.finance, period="2024-05")

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["currency"], body["currencies"]) == ("USD", ["EUR", "USD"])
    assert body["exact_total"] == "18.629000000000000000000000000001"
    assert (body["total"], body["charges"]) == ("18.63", 6)
    assert [(c["key"], c["name"], c["cost_center"], c["amount"]) for c in body["by_customer"]] == [
        ("globex", "Globex", "CC-2", "10.13"),
        ("initech", "Initech", "CC-2", "5.00"),
        ("acme", "ACME Corp", "CC-1", "3.50"),
    ]
    assert [(s["key"], s["exact_amount"]) for s in body["by_service"]] == [
        ("compute", "16.004000000000000000000000000001"),
        ("storage", "2.625"),
    ]
    days = {d["date"]: d for d in body["daily"]}
    assert len(days) == 31 and body["time_zone"] == "UTC"  # customers in different zones
    assert (days["2024-05-10"]["amount"], days["2024-05-09"]["amount"]) == ("2.50", "0.00")
    assert days["2024-05-31"]["cumulative"] == "18.63"
    # 18.629 spent in 20 of 31 days runs to 28.87495 by the end of May.
    assert body["forecast"]["amount"] == "28.87"
    assert Decimal(body["forecast"]["exact_amount"]) == Decimal("28.874950")


async def test_filters_by_customer_cost_center_service_and_currency(api, keys, charged):
    acme = (await get(api, keys, keys.finance, period="2024-05", customer="acme")).json()
    assert (acme["total"], acme["time_zone"]) == ("3.50", "Asia/Tokyo")
    assert acme["period_start"] == "2024-04-30T15:00:00Z"

    cc2 = (await get(api, keys, keys.finance, period="2024-05", cost_center="CC-2")).json()
    assert [c["key"] for c in cc2["by_customer"]] == ["globex", "initech"]
    storage = (await get(api, keys, keys.finance, period="2024-05", service="storage")).json()
    assert (storage["exact_total"], storage["charges"]) == ("2.625", 2)
    euros = (await get(api, keys, keys.finance, period="2024-05", currency="EUR")).json()
    assert (euros["total"], euros["by_customer"][0]["key"]) == ("7.00", "initech")
    empty = (await get(api, keys, keys.finance, period="2023-01")).json()
    assert (empty["total"], empty["charges"], empty["by_customer"]) == ("0.00", 0, [])
    assert empty["forecast"]["amount"] == "0.00"  # the period is over: its spend is final


async def test_a_customer_key_sees_only_its_own_customer(api, keys, charged):
    own = await get(api, keys, keys.acme, period="2024-05")
    assert own.status_code == 200
    assert [c["key"] for c in own.json()["by_customer"]] == ["acme"]
    assert own.json()["customer"] == "acme"

    assert (await get(api, keys, keys.acme, period="2024-05", customer="globex")).status_code == 403
    assert (await get(api, keys, keys.emitter, period="2024-05")).status_code == 403
    assert (await api.get("/v1/spend", params={"period": "2024-05"})).status_code == 401
    choices = (await get(api, keys, keys.acme, "/v1/dashboard/filters", period="2024-05")).json()
    assert [c["customer"] for c in choices["customers"]] == ["acme"]
    assert (choices["cost_centers"], choices["services"]) == (["CC-1"], ["compute", "storage"])
    me = (await get(api, keys, keys.acme, "/v1/dashboard/me")).json()
    assert (me["role"], me["customer"]) == ("customer", "acme")


async def test_bad_input_is_refused_naming_what_is_wrong(api, keys):
    period = await get(api, keys, keys.finance, period="2024-13")
    assert period.status_code == 400 and "month" in period.json()["detail"]
    customer = await get(api, keys, keys.finance, period="2024-05", customer="'; drop")
    assert customer.status_code == 422 and "customer" in customer.json()["detail"]
    currency = await get(api, keys, keys.finance, period="2024-05", currency="XXX")
    assert currency.status_code == 422 and "currency" in currency.json()["detail"]


async def test_the_cost_center_filter_uses_each_charges_own_cost_center(api, keys, rated_charge):
    store(
        api.ledger,
        [
            rated_charge("a1", amount="1", cost_center="CC-1"),
            rated_charge("a2", amount="2", cost_center="CC-9"),  # made for another cost center
            rated_charge("g1", customer="globex", amount="4", cost_center="CC-9"),
        ],
    )

    cc9 = (await get(api, keys, keys.finance, period="2024-05", cost_center="CC-9")).json()
    choices = (await get(api, keys, keys.finance, "/v1/dashboard/filters", period="2024-05")).json()

    assert (cc9["exact_total"], cc9["charges"]) == ("6", 2)
    assert [(c["key"], c["cost_center"]) for c in cc9["by_customer"]] == [
        ("globex", "CC-2"),  # names and cost centers shown are the terms'
        ("acme", "CC-1"),
    ]
    assert choices["cost_centers"] == ["CC-1", "CC-2", "CC-9"]


async def test_finance_filter_choices_list_every_customer_and_service(api, keys, charged):
    body = (await get(api, keys, keys.finance, "/v1/dashboard/filters", period="2024-05")).json()
    assert [(c["customer"], c["name"]) for c in body["customers"]] == [
        ("acme", "ACME Corp"),
        ("globex", "Globex"),
        ("initech", "Initech"),
    ]
    assert (body["cost_centers"], body["services"]) == (["CC-1", "CC-2"], ["compute", "storage"])


async def test_the_page_is_served_locked_down(api):
    page = await api.get("/dashboard/")
    assert page.status_code == 200 and 'src="js/main.js"' in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    script = await api.get("/dashboard/js/main.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert (await api.get("/dashboard/js/missing.js")).status_code == 404
