"""POST /v1/events on the real embedded broker and Redis."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
from metering_io import raw_event, read_topic, running_metering

from chargeback import codec
from chargeback.contracts import Topics, UsageEvent
from chargeback.kafka import make_producer, partition_for
from chargeback_cli.embedded import EmbeddedBroker

pytestmark = pytest.mark.integration
BATCH = {"content-type": "application/cloudevents-batch+json"}


def dedup_keys(redis_url: str) -> list[bytes]:
    client = redis.Redis.from_url(redis_url)
    try:
        return sorted(client.keys("metering:dedup:*"))
    finally:
        client.close()


async def test_accepted_events_arrive_keyed_by_customer_and_duplicates_are_reported(
    broker: EmbeddedBroker, redis_url: str, tmp_path: Path
) -> None:
    bootstrap = broker.bootstrap_servers
    customers = ["acme", "globex", "initech", "umbrella", "hooli"]
    events = [raw_event(n, customer=customers[n % 5]) for n in range(50)]
    async with running_metering(bootstrap, redis_url, tmp_path) as (client, key):
        answer = await client.post("/v1/events", json=events, headers=BATCH | key)
        assert answer.json() == {"accepted": 50, "duplicates": 0, "duplicate_ids": []}
        again = await client.post(
            "/v1/events", json=[*events[:2], raw_event(50)], headers=BATCH | key
        )
        assert again.json() == {"accepted": 1, "duplicates": 2, "duplicate_ids": ["evt-0", "evt-1"]}
        assert (await client.get("/readyz")).status_code == 200
        metrics = (await client.get("/metrics")).text
        assert 'metering_events_accepted_total{path="http"}' in metrics

    records = await read_topic(bootstrap, Topics.EVENTS, until=51)
    assert len(records) == 51
    for record in records:
        event = codec.decode(UsageEvent, record.value)
        assert record.key == event.subject.encode()
        assert record.partition == partition_for(event.subject, Topics.PARTITIONS[Topics.EVENTS])
        assert event.ingesttime is not None
    assert sorted(codec.decode(UsageEvent, r.value).id for r in records) == sorted(
        f"evt-{n}" for n in range(51)
    )
    assert len(dedup_keys(redis_url)) == 51


async def test_a_refused_batch_enqueues_nothing(
    broker: EmbeddedBroker, redis_url: str, tmp_path: Path
) -> None:
    bootstrap = broker.bootstrap_servers
    bad = [raw_event(1), raw_event(2), raw_event(3)]
    bad[2]["data"]["quantity"] = -1
    async with running_metering(bootstrap, redis_url, tmp_path) as (client, key):
        answer = await client.post("/v1/events", json=bad, headers=BATCH | key)
        assert answer.status_code == 400
        assert [(e["index"], e["field"]) for e in answer.json()["errors"]] == [(2, "data.quantity")]
        too_old = [raw_event(6), raw_event(7) | {"time": "1970-01-01T00:00:00Z"}]
        answer = await client.post("/v1/events", json=too_old, headers=BATCH | key)
        assert answer.status_code == 400
        assert [(e["index"], e["field"]) for e in answer.json()["errors"]] == [(1, "time")]
        forbidden = [raw_event(4), raw_event(5, source="src-z")]
        assert (
            await client.post("/v1/events", json=forbidden, headers=BATCH | key)
        ).status_code == 403
        # A marker, acknowledged by the broker before its 202: anything enqueued before it
        # would be on the topic by now.
        marker = await client.post("/v1/events", json=[raw_event(99)], headers=BATCH | key)
        assert marker.status_code == 202

    records = await read_topic(bootstrap, Topics.EVENTS, until=1)
    assert [codec.decode(UsageEvent, r.value).id for r in records] == ["evt-99"]
    # The refused events were not claimed either: sending them valid later is not a duplicate.
    assert dedup_keys(redis_url) == [b"metering:dedup:src-a evt-99"]


async def test_a_failed_produce_releases_the_claims(
    broker: EmbeddedBroker, redis_url: str, tmp_path: Path
) -> None:
    bootstrap = broker.bootstrap_servers
    events = [raw_event(1), raw_event(2)]
    # A real producer whose requests the client refuses: every send fails.
    failing = make_producer(bootstrap, max_request_size=64)
    async with running_metering(bootstrap, redis_url, tmp_path, producer=failing) as (client, key):
        answer = await client.post("/v1/events", json=events, headers=BATCH | key)
        assert answer.status_code == 503
        assert answer.headers["retry-after"]
    assert dedup_keys(redis_url) == []

    async with running_metering(bootstrap, redis_url, tmp_path) as (client, key):
        retry = await client.post("/v1/events", json=events, headers=BATCH | key)
        assert retry.json() == {"accepted": 2, "duplicates": 0, "duplicate_ids": []}
    records = await read_topic(bootstrap, Topics.EVENTS, until=2)
    assert len(records) == 2
