"""The usage.ingest validator on the real embedded broker and Redis."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
import redis
from metering_io import raw_event, read_topic, running_metering

from chargeback import codec
from chargeback.contracts import RejectedEvent, Topics, UsageEvent
from chargeback.kafka import ensure_topics, make_producer
from chargeback_cli.embedded import EmbeddedBroker
from metering.adapters.redis_offsets import HASH

pytestmark = pytest.mark.integration


async def produce_raw(bootstrap: str, values: list[bytes]) -> None:
    producer = make_producer(bootstrap)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(Topics.INGEST, value=value)
    finally:
        await producer.stop()


def stored_offsets(redis_url: str) -> int:
    client = redis.Redis.from_url(redis_url)
    try:
        return sum(int(v) for v in client.hgetall(HASH).values())
    finally:
        client.close()


async def wait_for_offsets(redis_url: str, total: int, timeout_s: float = 25.0) -> None:
    deadline = time.monotonic() + timeout_s
    while stored_offsets(redis_url) < total:
        assert time.monotonic() < deadline, f"validator stored {stored_offsets(redis_url)}"
        await asyncio.sleep(0.2)


def encoded(number: int, **changes: object) -> bytes:
    return json.dumps(raw_event(number) | changes).encode()


async def test_validator_routes_records_and_resumes_where_it_left_off(
    broker: EmbeddedBroker, redis_url: str, tmp_path: Path
) -> None:
    bootstrap = broker.bootstrap_servers
    await ensure_topics(bootstrap)
    await produce_raw(
        bootstrap,
        [
            encoded(1),
            encoded(2),
            encoded(1),
            encoded(3, subject="no spaces allowed"),
            b"{not json",
            encoded(5, time="3000-01-01T00:00:00Z"),
        ],
    )
    async with running_metering(bootstrap, redis_url, tmp_path, validator=True):
        await wait_for_offsets(redis_url, 6)

    accepted = await read_topic(bootstrap, Topics.EVENTS, until=2)
    assert sorted(codec.decode(UsageEvent, r.value).id for r in accepted) == ["evt-1", "evt-2"]
    assert all(r.key == b"acme" for r in accepted)
    rejected = [
        codec.decode(RejectedEvent, r.value)
        for r in await read_topic(bootstrap, Topics.REJECTED, until=3)
    ]
    assert sorted(r.reason for r in rejected) == [
        "invalid_event",
        "invalid_event",
        "malformed_json",
    ]
    invalid = {r.event_id: r.errors for r in rejected if r.reason == "invalid_event"}
    assert invalid["evt-3"][0].field == "subject"
    [late] = invalid["evt-5"]
    assert late.field == "time" and "more than 5 minutes in the future" in late.reason

    # Restarted: only the new records are handled (a replay would re-reject the bad two).
    await produce_raw(bootstrap, [encoded(4), encoded(2)])
    async with running_metering(bootstrap, redis_url, tmp_path, validator=True):
        await wait_for_offsets(redis_url, 8)

    accepted = await read_topic(bootstrap, Topics.EVENTS, until=3)
    assert sorted(codec.decode(UsageEvent, r.value).id for r in accepted) == [
        "evt-1",
        "evt-2",
        "evt-4",
    ]
    assert len(await read_topic(bootstrap, Topics.REJECTED, until=3)) == 3


async def test_binary_mode_records_from_the_cloudevents_sdk_are_validated(
    broker: EmbeddedBroker, redis_url: str, tmp_path: Path
) -> None:
    """The Kafka protocol binding's binary mode (`ce_*` headers, the data as the value),
    as the CloudEvents SDK produces it, next to a structured record."""
    from cloudevents.v1.http import CloudEvent
    from cloudevents.v1.kafka import to_binary

    bootstrap = broker.bootstrap_servers
    await ensure_topics(bootstrap)
    good = raw_event(7)
    attributes = {k: v for k, v in good.items() if k not in ("data", "specversion")}
    good_record = to_binary(CloudEvent({**attributes, "datacontenttype": None}, good["data"]))
    bad = {**attributes, "id": "evt-8", "subject": "not a customer", "datacontenttype": None}
    bad_record = to_binary(CloudEvent(bad, good["data"]))
    producer = make_producer(bootstrap)
    await producer.start()
    try:
        for record in (good_record, bad_record):
            headers = list(record.headers.items())
            await producer.send_and_wait(Topics.INGEST, value=record.value, headers=headers)
        await producer.send_and_wait(Topics.INGEST, value=encoded(9))
    finally:
        await producer.stop()
    async with running_metering(bootstrap, redis_url, tmp_path, validator=True):
        await wait_for_offsets(redis_url, 3)

    accepted = await read_topic(bootstrap, Topics.EVENTS, until=2)
    events = sorted((codec.decode(UsageEvent, r.value) for r in accepted), key=lambda e: e.id)
    assert [e.id for e in events] == ["evt-7", "evt-9"]
    assert events[0].data.quantity == codec.decode(UsageEvent, encoded(7)).data.quantity
    (rejected,) = await read_topic(bootstrap, Topics.REJECTED, until=1)
    refusal = codec.decode(RejectedEvent, rejected.value)
    assert (refusal.event_id, [e.field for e in refusal.errors]) == ("evt-8", ["subject"])
