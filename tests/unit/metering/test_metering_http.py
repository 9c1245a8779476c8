"""POST /v1/events over ASGI with the real router and auth, and fakes behind the ports."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from metering_fakes import (
    BOUNDS,
    NOW,
    FakeDedupStore,
    FakePublisher,
    fixed_clock,
    raw_event,
    written,
)
from prometheus_client import REGISTRY

from chargeback.auth import KeyStore
from chargeback.web import attach_keys
from metering.domain.ports import StoreUnavailable
from metering.entrypoints import events_api
from metering.entrypoints.http_body import Limits
from metering.entrypoints.schemas import Ingestion
from metering.service_layer.ingest import DedupPolicy

STRUCTURED = {"content-type": "application/cloudevents+json"}
BATCH = {"content-type": "application/cloudevents-batch+json"}


@pytest.fixture
def keys(tmp_path: Path) -> KeyStore:
    return KeyStore(tmp_path / "keys.json")


@pytest.fixture
async def client(
    keys: KeyStore, store: FakeDedupStore, publisher: FakePublisher
) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    attach_keys(app, keys)
    app.include_router(events_api.router)
    limits = Limits(max_body_bytes=512 * 1024, max_batch_events=1000)
    policy = DedupPolicy(3600, 60)
    app.state.ingestion = Ingestion(store, publisher, policy, limits, BOUNDS, fixed_clock)
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://metering") as http:
        yield http


def bearer(keys: KeyStore, role: str = "emitter", **extra: object) -> dict[str, str]:
    if role == "emitter":
        extra.setdefault("sources", ("src-a",))
    if role == "customer":
        extra.setdefault("customer", "acme")
    plain, _ = keys.create(role, **extra)  # type: ignore[arg-type]
    return {"authorization": f"Bearer {plain}"}


def refused(reason: str) -> float:
    return (
        REGISTRY.get_sample_value(
            "metering_events_refused_total", {"path": "http", "reason": reason}
        )
        or 0.0
    )


async def test_structured_mode_event_is_accepted_and_stamped(
    client: httpx.AsyncClient, keys: KeyStore, publisher: FakePublisher
) -> None:
    body = json.dumps(raw_event(ingesttime="2000-01-01T00:00:00Z"))
    answer = await client.post("/v1/events", content=body, headers=STRUCTURED | bearer(keys))
    assert answer.status_code == 202, answer.text
    assert answer.json() == {"accepted": 1, "duplicates": 0, "duplicate_ids": []}
    [event] = publisher.events
    assert event.ingesttime == NOW  # when it arrived, by the app's clock


async def test_a_batch_of_a_thousand_is_accepted_with_duplicates_reported(
    client: httpx.AsyncClient, keys: KeyStore, publisher: FakePublisher
) -> None:
    events = [raw_event(n) for n in range(999)] + [raw_event(5)]
    answer = await client.post("/v1/events", json=events, headers=BATCH | bearer(keys))
    assert answer.status_code == 202, answer.text
    assert answer.json() == {"accepted": 999, "duplicates": 1, "duplicate_ids": ["evt-5"]}
    assert len(publisher.events) == 999


async def test_a_batch_over_the_limit_is_413_and_enqueues_nothing(
    client: httpx.AsyncClient, keys: KeyStore, publisher: FakePublisher
) -> None:
    events = [{"id": str(n)} for n in range(1001)]
    answer = await client.post("/v1/events", json=events, headers=BATCH | bearer(keys))
    assert answer.status_code == 413
    assert "1001 events exceeds the limit of 1000" in answer.json()["detail"]
    assert publisher.events == []


async def test_a_body_over_the_limit_is_413(client: httpx.AsyncClient, keys: KeyStore) -> None:
    big = json.dumps(raw_event(data={"padding": "x" * 600_000}))
    answer = await client.post("/v1/events", content=big, headers=STRUCTURED | bearer(keys))
    assert answer.status_code == 413
    assert "exceeds 524288 bytes" in answer.json()["detail"]


async def test_malformed_json_is_400_saying_so(client: httpx.AsyncClient, keys: KeyStore) -> None:
    answer = await client.post("/v1/events", content=b'{"id": ', headers=STRUCTURED | bearer(keys))
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("malformed JSON")


async def test_an_unknown_content_type_is_415(client: httpx.AsyncClient, keys: KeyStore) -> None:
    answer = await client.post(
        "/v1/events", content=b"id=1", headers={"content-type": "text/plain"} | bearer(keys)
    )
    assert answer.status_code == 415
    assert "application/cloudevents+json" in answer.json()["detail"]


async def test_one_invalid_event_refuses_the_batch_naming_every_bad_one(
    client: httpx.AsyncClient, keys: KeyStore, store: FakeDedupStore, publisher: FakePublisher
) -> None:
    before = refused("invalid_value")
    events = [raw_event(n) for n in range(5)]
    events[1]["data"]["quantity"] = "lots"
    events[3]["type"] = "wrong"
    del events[4]["subject"]
    answer = await client.post("/v1/events", json=events, headers=BATCH | bearer(keys))
    assert answer.status_code == 400
    body = answer.json()
    assert "nothing enqueued" in body["detail"]
    assert [(e["index"], e["id"], e["field"]) for e in body["errors"]] == [
        (1, "evt-1", "data.quantity"),
        (3, "evt-3", "type"),
        (4, "evt-4", "subject"),
    ]
    assert "decimal" in body["errors"][0]["reason"]
    assert publisher.events == [] and store.held == {}
    assert refused("invalid_value") == before + 2


async def test_binary_mode_event_is_accepted(
    client: httpx.AsyncClient, keys: KeyStore, publisher: FakePublisher
) -> None:
    headers = {
        "content-type": "application/json; charset=utf-8",
        "ce-specversion": "1.0",
        "ce-id": "bin-1",
        "ce-source": "src-a",
        "ce-type": "dev.chargeback.usage.v1",
        "ce-subject": "acme",
        "ce-time": written(NOW - timedelta(minutes=1)),
    }
    data = b'{"service": "storage", "meter": "gb-months", "quantity": 12.50}'
    answer = await client.post("/v1/events", content=data, headers=headers | bearer(keys))
    assert answer.status_code == 202, answer.text
    [event] = publisher.events
    assert (event.id, event.data.quantity) == ("bin-1", Decimal("12.50"))


async def test_binary_mode_with_a_missing_header_names_it(
    client: httpx.AsyncClient, keys: KeyStore
) -> None:
    headers = {"content-type": "application/json", "ce-specversion": "1.0", "ce-id": "b"}
    data = b'{"service": "s", "meter": "m", "quantity": 1}'
    answer = await client.post("/v1/events", content=data, headers=headers | bearer(keys))
    assert answer.status_code == 400
    assert {e["field"] for e in answer.json()["errors"]} == {"source", "type", "subject", "time"}


async def test_customers_may_not_ingest(
    client: httpx.AsyncClient, keys: KeyStore, publisher: FakePublisher
) -> None:
    headers = STRUCTURED | bearer(keys, "customer")
    answer = await client.post("/v1/events", json=raw_event(), headers=headers)
    assert answer.status_code == 403
    assert publisher.events == []


async def test_an_emitter_may_not_ingest_for_another_source(
    client: httpx.AsyncClient, keys: KeyStore, store: FakeDedupStore, publisher: FakePublisher
) -> None:
    events = [raw_event(1), raw_event(2, source="src-b")]
    answer = await client.post("/v1/events", json=events, headers=BATCH | bearer(keys))
    assert answer.status_code == 403
    assert "event 1 has source 'src-b'" in answer.json()["detail"]
    assert publisher.events == [] and store.held == {}


async def test_finance_may_ingest_any_source(
    client: httpx.AsyncClient, keys: KeyStore, publisher: FakePublisher
) -> None:
    headers = STRUCTURED | bearer(keys, "finance")
    answer = await client.post("/v1/events", json=raw_event(source="anything"), headers=headers)
    assert answer.status_code == 202
    assert publisher.events[0].source == "anything"


async def test_without_a_key_it_is_401(client: httpx.AsyncClient) -> None:
    answer = await client.post("/v1/events", json=raw_event(), headers=STRUCTURED)
    assert answer.status_code == 401


async def test_a_failed_produce_is_503_and_a_retry_is_not_a_duplicate(
    client: httpx.AsyncClient, keys: KeyStore, store: FakeDedupStore, publisher: FakePublisher
) -> None:
    headers = BATCH | bearer(keys)
    publisher.fail = True
    answer = await client.post("/v1/events", json=[raw_event(1)], headers=headers)
    assert answer.status_code == 503
    assert "nothing enqueued" in answer.json()["detail"]
    assert store.held == {}
    publisher.fail = False
    retry = await client.post("/v1/events", json=[raw_event(1)], headers=headers)
    assert retry.json() == {"accepted": 1, "duplicates": 0, "duplicate_ids": []}


async def test_a_streamed_body_without_length_is_bounded_too(
    client: httpx.AsyncClient, keys: KeyStore
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b" " * 10_000

    answer = await client.post("/v1/events", content=chunks(), headers=STRUCTURED | bearer(keys))
    assert answer.status_code == 413


async def test_an_unreachable_dedup_store_is_503_and_enqueues_nothing(
    client: httpx.AsyncClient, keys: KeyStore, store: FakeDedupStore, publisher: FakePublisher
) -> None:
    async def unreachable(*args: object, **kwargs: object) -> dict[str, object]:
        raise StoreUnavailable("redis: connection refused")

    store.claim = unreachable  # type: ignore[method-assign]
    answer = await client.post("/v1/events", json=[raw_event(1)], headers=BATCH | bearer(keys))
    assert answer.status_code == 503
    assert "redis" in answer.json()["detail"]
    assert publisher.events == []


@pytest.mark.parametrize(
    ("sent", "limit"),
    [
        ("9999-12-31T20:00:00Z", "more than 5 minutes in the future"),
        ("3000-01-01T00:00:00Z", "more than 5 minutes in the future"),
        ("0001-01-01T00:00:00Z", "more than 35 days in the past"),
        ("1970-01-01T00:00:00Z", "more than 35 days in the past"),
    ],
)
async def test_a_time_out_of_bounds_is_400_naming_the_field_limit_and_value(
    client: httpx.AsyncClient,
    keys: KeyStore,
    store: FakeDedupStore,
    publisher: FakePublisher,
    sent: str,
    limit: str,
) -> None:
    before = refused("time_out_of_range")
    body = json.dumps(raw_event(7, time=sent))
    answer = await client.post("/v1/events", content=body, headers=STRUCTURED | bearer(keys))
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert (error["index"], error["id"], error["field"]) == (0, "evt-7", "time")
    assert sent in error["reason"] and limit in error["reason"]
    assert publisher.events == [] and store.held == {}
    assert refused("time_out_of_range") == before + 1


async def test_times_exactly_at_the_limits_are_accepted(
    client: httpx.AsyncClient, keys: KeyStore, publisher: FakePublisher
) -> None:
    oldest, latest = NOW - timedelta(days=35), NOW + timedelta(minutes=5)
    events = [raw_event(1, time=written(oldest)), raw_event(2, time=written(latest))]
    answer = await client.post("/v1/events", json=events, headers=BATCH | bearer(keys))
    assert answer.status_code == 202, answer.text
    assert [event.time for event in publisher.events] == [oldest, latest]


async def test_one_time_out_of_bounds_refuses_the_batch_and_enqueues_nothing(
    client: httpx.AsyncClient, keys: KeyStore, store: FakeDedupStore, publisher: FakePublisher
) -> None:
    events = [raw_event(n) for n in range(4)]
    events[2]["time"] = written(NOW - timedelta(days=35, seconds=1))
    answer = await client.post("/v1/events", json=events, headers=BATCH | bearer(keys))
    assert answer.status_code == 400
    body = answer.json()
    assert "nothing enqueued" in body["detail"]
    assert [(e["index"], e["id"], e["field"]) for e in body["errors"]] == [(2, "evt-2", "time")]
    assert publisher.events == [] and store.held == {}


async def test_a_binary_mode_time_out_of_bounds_is_400(
    client: httpx.AsyncClient, keys: KeyStore, publisher: FakePublisher
) -> None:
    headers = {
        "content-type": "application/json",
        "ce-specversion": "1.0",
        "ce-id": "bin-late",
        "ce-source": "src-a",
        "ce-type": "dev.chargeback.usage.v1",
        "ce-subject": "acme",
        "ce-time": "3000-01-01T00:00:00Z",
    }
    data = b'{"service": "s", "meter": "m", "quantity": 1}'
    answer = await client.post("/v1/events", content=data, headers=headers | bearer(keys))
    assert answer.status_code == 400
    assert [e["field"] for e in answer.json()["errors"]] == ["time"]
    assert publisher.events == []
