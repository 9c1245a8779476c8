"""Producing to the log: send a whole batch, then wait for every acknowledgement."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer

from chargeback.codec import encode
from chargeback.contracts import RejectedEvent, Topics, UsageEvent
from metering import metrics
from metering.domain.ports import EventPublisher, PublishError

# Kafka protocol binding of CloudEvents, structured mode: the value is the whole event.
_EVENT_HEADERS = [("content-type", b"application/cloudevents+json")]
_JSON_HEADERS = [("content-type", b"application/json")]

Record = tuple[bytes | None, bytes]


class KafkaEventPublisher(EventPublisher):
    def __init__(self, producer: AIOKafkaProducer) -> None:
        self.producer = producer

    async def publish_events(self, events: Sequence[UsageEvent]) -> None:
        # Keyed by customer: all of a customer's usage lands, in order, on one partition.
        records = [(event.subject.encode(), encode(event)) for event in events]
        await self._send_all(Topics.EVENTS, records, _EVENT_HEADERS)

    async def publish_rejections(self, rejections: Sequence[RejectedEvent]) -> None:
        records = [(_key(r.event_source), encode(r)) for r in rejections]
        await self._send_all(Topics.REJECTED, records, _JSON_HEADERS)

    async def _send_all(
        self, topic: str, records: Sequence[Record], headers: list[tuple[str, bytes]]
    ) -> None:
        acks: list[asyncio.Future[object]] = []
        refused: Exception | None = None
        try:
            for key, value in records:
                acks.append(await self.producer.send(topic, value=value, key=key, headers=headers))
        except Exception as exc:  # a record too large, a full buffer that timed out, ...
            refused = exc
        # Wait for what was sent even after a refusal, so no acknowledgement is left behind.
        results = await asyncio.gather(*acks, return_exceptions=True)
        failures = [r for r in results if isinstance(r, BaseException)]
        if refused is not None or failures:
            first = refused or failures[0]
            raise PublishError(
                f"{topic}: not every record was acknowledged ({type(first).__name__}: {first})"
            )
        metrics.PRODUCED.labels(topic).inc(len(records))


def _key(source: str | None) -> bytes | None:
    return source.encode() if source else None
