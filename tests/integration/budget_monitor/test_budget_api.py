"""The budgets and subscriptions API on real SQL (SQLite and PostgreSQL) and Redis:
durable CRUD, validation naming the field, roles, status, secrets shown once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy

from budget_monitor.bootstrap import build_app
from budget_monitor.settings import BudgetMonitorSettings
from chargeback.auth import KeyStore
from chargeback.settings import InfraSettings
from terms.adapters import parse_price_book

pytestmark = pytest.mark.integration
BOOK = """
version: "t1"
effective_from: "2020-01-01T00:00:00Z"
currency: USD
services: {compute: {meters: {cpu_hours: {unit: hour, price: "1"}}}}
customers:
  acme: {name: Acme, cost_center: CC-1, time_zone: Europe/Paris}
  globex: {name: Globex, cost_center: CC-1}
"""


@pytest.fixture
def keys(tmp_path):
    store = KeyStore(tmp_path / "keys.json")
    made = {
        "finance": store.create("finance")[0],
        "acme": store.create("customer", customer="acme")[0],
        "globex": store.create("customer", customer="globex")[0],
        "emitter": store.create("emitter", sources=("*",))[0],
    }
    return store, made


class Api:
    def __init__(self, client: httpx.AsyncClient, made: dict[str, str]) -> None:
        self.client, self.made = client, made

    async def call(self, method: str, path: str, who: str = "finance", **kw) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.made[who]}"}
        return await self.client.request(method, path, headers=headers, **kw)


@asynccontextmanager
async def running_api(tmp_path, database_url, redis_url, keys, **extra) -> AsyncIterator[Api]:
    """A monitor process (no consumers) on `database_url`, and a client with every key."""
    store, made = keys
    settings = BudgetMonitorSettings(_env_file=None, database_url=database_url, **extra)
    infra = InfraSettings(_env_file=None, redis_url=redis_url)
    seed = [(parse_price_book(BOOK), BOOK)]  # the customers' terms: acme's zone is Paris
    app = build_app(settings, infra=infra, keys=store, seed=seed, start_consumers=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bm") as c,
    ):
        yield Api(c, made)


async def test_budgets_are_durable_validated_and_scoped_to_their_readers(
    tmp_path, database_url, redis_url, keys
):
    async with running_api(tmp_path, database_url, redis_url, keys) as api:
        created = await api.call(
            "POST",
            "/v1/budgets",
            json={
                "id": "acme-q",
                "customer": "acme",
                "amount": "900.50",
                "currency": "EUR",
                "period": "quarterly",
            },
        )
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["time_zone"] == "Europe/Paris"  # the customer's, from the price book
        assert body["thresholds"] == ["50", "80", "100"] and body["forecast_thresholds"] == ["100"]
        paris_now = datetime.now(ZoneInfo("Europe/Paris"))
        quarter = (paris_now.month - 1) // 3 + 1
        assert body["period"] == f"{paris_now.year}-Q{quarter}"
        first = datetime(paris_now.year, 3 * quarter - 2, 1, tzinfo=ZoneInfo("Europe/Paris"))
        assert body["period_start"] == first.astimezone(UTC).isoformat().replace("+00:00", "Z")

        cc = {
            "id": "cc1",
            "cost_center": "CC-1",
            "amount": "50",
            "currency": "USD",
            "period": "custom",
            "period_start": "2026-01-01",
            "period_end": "2027-01-01",
            "thresholds": [90],
        }
        assert (await api.call("POST", "/v1/budgets", json=cc)).status_code == 201
        assert (await api.call("POST", "/v1/budgets", json=cc)).status_code == 409
        assert (await api.call("POST", "/v1/budgets", "acme", json=cc)).status_code == 403
        generated = await api.call(
            "POST", "/v1/budgets", json={"service": "compute", "amount": 7, "currency": "USD"}
        )
        assert generated.json()["id"].startswith("bgt_")

        for bad, field in [
            ({"customer": "acme", "amount": "-1", "currency": "USD"}, "amount"),
            ({"customer": "acme", "amount": 10.5, "currency": "USD"}, "amount"),
            ({"customer": "acme", "amount": "1", "currency": "XYZ"}, "currency"),
            ({"amount": "1", "currency": "USD"}, "customer"),
            (
                {"customer": "acme", "cost_center": "CC-1", "amount": "1", "currency": "USD"},
                "cost_center",
            ),
            (
                {"customer": "acme", "amount": "1", "currency": "USD", "time_zone": "Mars/Base"},
                "time_zone",
            ),
            ({"customer": "acme", "amount": "1", "currency": "USD", "period": "weekly"}, "period"),
            (
                {
                    "customer": "acme",
                    "amount": "1",
                    "currency": "USD",
                    "period": "custom",
                    "period_start": "2026-02-01",
                    "period_end": "2026-01-01",
                },
                "period_end",
            ),
            (
                {
                    "customer": "acme",
                    "amount": "1",
                    "currency": "USD",
                    "period_start": "2026-01-01",
                },
                "period_start",
            ),
            (
                {"customer": "acme", "amount": "1", "currency": "USD", "thresholds": [0]},
                "thresholds",
            ),
            ({"customer": "acme", "amount": "1", "currency": "USD", "colour": "red"}, "colour"),
        ]:
            answer = await api.call("POST", "/v1/budgets", json=bad)
            assert answer.status_code == 422, (bad, answer.text)
            assert field in answer.json()["errors"][0]["field"], (bad, answer.json())

        # Customers read their own customer budgets only; emitters nothing.
        assert [
            b["id"] for b in (await api.call("GET", "/v1/budgets", "acme")).json()["budgets"]
        ] == ["acme-q"]
        assert (await api.call("GET", "/v1/budgets", "globex")).json()["budgets"] == []
        assert (await api.call("GET", "/v1/budgets/acme-q", "globex")).status_code == 403
        assert (await api.call("GET", "/v1/budgets/cc1", "acme")).status_code == 403
        assert (await api.call("GET", "/v1/budgets", "emitter")).status_code == 403
        assert (await api.call("GET", "/v1/budgets/nope")).status_code == 404
        assert len((await api.call("GET", "/v1/budgets")).json()["budgets"]) == 3

        changed = await api.call(
            "PUT",
            "/v1/budgets/acme-q",
            json={
                "customer": "acme",
                "amount": "1000",
                "currency": "EUR",
                "period": "quarterly",
                "time_zone": "UTC",
                "thresholds": [25, "62.5"],
            },
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["thresholds"] == ["25", "62.5"]
        assert changed.json()["forecast_thresholds"] == []  # named thresholds: exactly those
        assert (
            await api.call("PUT", "/v1/budgets/ghost", json=cc | {"id": None})
        ).status_code == 404
        assert (await api.call("DELETE", "/v1/budgets/cc1")).status_code == 204
        assert (await api.call("DELETE", "/v1/budgets/cc1")).status_code == 404

        status = (await api.call("GET", "/v1/budgets/acme-q/status", "acme")).json()
        assert Decimal(status["spent"]) == 0 and status["time_zone"] == "UTC"
        assert status["time_left_s"] > 0 and Decimal(status["elapsed_percent"]) > 0
        for bad in ("2026-13", "9999-12", "0000-01"):  # not a month; outside the calendar
            refused = await api.call("GET", f"/v1/budgets/acme-q/status?period={bad}")
            assert refused.status_code == 400, (bad, refused.text)
            assert bad in refused.json()["detail"] or "2000 to 2999" in refused.json()["detail"]

    # A new process on the same database sees the same budgets (durable), and its
    # migrations are already done (version in the monitor's own version table).
    async with running_api(tmp_path, database_url, redis_url, keys) as api:
        listed = (await api.call("GET", "/v1/budgets")).json()["budgets"]
        assert sorted(b["id"] for b in listed) == sorted(["acme-q", generated.json()["id"]])
    engine = sqlalchemy.create_engine(database_url)
    with engine.connect() as conn:
        version = conn.execute(
            sqlalchemy.text("select version_num from budget_monitor_alembic_version")
        )
        assert version.scalar_one() == "0002"
    engine.dispose()


async def test_subscription_secrets_are_shown_once_and_urls_are_checked(
    tmp_path, database_url, redis_url, keys, caplog
):
    async with running_api(tmp_path, database_url, redis_url, keys) as api:
        created = await api.call(
            "POST",
            "/v1/subscriptions",
            json={
                "url": "http://127.0.0.1:9/hook",
                "budget_ids": ["acme-q"],
                "scopes": [{"cost_center": "CC-1"}],
            },
        )
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]
        assert secret.startswith("whsec_") and len(secret) > 40
        sub_id = created.json()["id"]
        for path in (
            "/v1/subscriptions",
            f"/v1/subscriptions/{sub_id}",
            f"/v1/subscriptions/{sub_id}/deliveries",
        ):
            answer = await api.call("GET", path)
            assert answer.status_code == 200 and secret not in answer.text, path
        assert secret not in caplog.text
        assert (await api.call("GET", "/v1/subscriptions", "acme")).status_code == 403
        for url in ("ftp://x/hook", "http://user:pw@example.com/", "http:///nohost", "not a url"):
            answer = await api.call("POST", "/v1/subscriptions", json={"url": url})
            assert answer.status_code == 422
            assert answer.json()["errors"][0]["field"] == "body.url", answer.json()
        disabled = await api.call("PATCH", f"/v1/subscriptions/{sub_id}", json={"enabled": False})
        assert disabled.json()["enabled"] is False
        assert (await api.call("DELETE", f"/v1/subscriptions/{sub_id}")).status_code == 204
        assert (await api.call("GET", f"/v1/subscriptions/{sub_id}")).status_code == 404

    # Outside development, loopback and private addresses are refused (SSRF stance).
    strict = {"webhook_allow_private": False}
    async with running_api(tmp_path, database_url, redis_url, keys, **strict) as api:
        for url in (
            "http://127.0.0.1:9/hook",
            "http://10.1.2.3/",
            "http://[::1]/",
            "http://169.254.169.254/",
        ):
            answer = await api.call("POST", "/v1/subscriptions", json={"url": url})
            assert answer.status_code == 422, url
            assert "non-public" in answer.json()["errors"][0]["reason"]
