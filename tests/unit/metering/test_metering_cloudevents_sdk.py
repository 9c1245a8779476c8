"""What the CloudEvents SDK itself sends is accepted: HTTP structured and binary mode
(binary without `datacontenttype` sends no Content-Type: the data is JSON), and Kafka
binary-mode records (`ce_*` headers) on usage.ingest."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
from cloudevents.v1.conversion import to_binary, to_structured
from cloudevents.v1.http import CloudEvent
from cloudevents.v1.kafka import to_binary as kafka_binary
from cloudevents.v1.kafka import to_structured as kafka_structured
from metering_fakes import BOUNDS, NOW, FakePublisher, written
from test_metering_http import bearer, client, keys  # noqa: F401 (fixtures)

from chargeback.auth import KeyStore
from chargeback.contracts import UsageEvent
from metering.domain.records import Refusal, judge_record

DATA = {"service": "compute", "meter": "cpu-hours", "quantity": "2.5"}


def sdk_event(number: int = 1, **extra: str | None) -> CloudEvent:
    attributes = {
        "type": "dev.chargeback.usage.v1",
        "source": "src-a",
        "id": f"sdk-{number}",
        "subject": "acme",
        "time": written(NOW - timedelta(hours=1)),
        **extra,
    }
    return CloudEvent(attributes, DATA)


async def test_binary_mode_without_a_content_type_is_read_as_json(
    client: httpx.AsyncClient, keys: KeyStore, publisher: FakePublisher
) -> None:
    headers, body = to_binary(sdk_event())
    assert not any(name.lower() == "content-type" for name in headers)  # what the SDK sends
    answer = await client.post("/v1/events", content=body, headers={**headers, **bearer(keys)})
    assert answer.status_code == 202, answer.text
    (event,) = publisher.events
    assert (event.id, event.data.quantity) == ("sdk-1", Decimal("2.5"))
    assert event.datacontenttype == "application/json"


async def test_binary_and_structured_mode_with_a_content_type(
    client: httpx.AsyncClient, keys: KeyStore, publisher: FakePublisher
) -> None:
    headers, body = to_binary(sdk_event(1, datacontenttype="application/json"))
    binary = await client.post("/v1/events", content=body, headers={**headers, **bearer(keys)})
    headers, body = to_structured(sdk_event(2))
    structured = await client.post("/v1/events", content=body, headers={**headers, **bearer(keys)})
    assert (binary.status_code, structured.status_code) == (202, 202), structured.text
    assert [e.id for e in publisher.events] == ["sdk-1", "sdk-2"]


def test_a_kafka_binary_mode_record_is_an_event() -> None:
    message = kafka_binary(sdk_event(datacontenttype=None))  # no content-type header: JSON
    assert "content-type" not in message.headers and "ce_id" in message.headers
    outcome = judge_record(message.value, NOW, BOUNDS, list(message.headers.items()))
    assert isinstance(outcome, UsageEvent), outcome
    assert (outcome.id, outcome.subject, str(outcome.data.quantity)) == ("sdk-1", "acme", "2.5")


def test_a_kafka_structured_record_is_an_event_with_or_without_headers() -> None:
    message = kafka_structured(sdk_event())
    with_headers = judge_record(message.value, NOW, BOUNDS, list(message.headers.items()))
    bare = judge_record(message.value, NOW, BOUNDS)
    assert isinstance(with_headers, UsageEvent) and isinstance(bare, UsageEvent)


def test_a_kafka_binary_record_with_a_bad_attribute_is_refused_naming_it() -> None:
    message = kafka_binary(sdk_event(subject="not a customer!", datacontenttype="application/json"))
    outcome = judge_record(message.value, NOW, BOUNDS, list(message.headers.items()))
    assert isinstance(outcome, Refusal)
    assert [e.field for e in outcome.rejected.errors] == ["subject"]
