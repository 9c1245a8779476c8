"""Dead letters: a record a stage could not process, sent to `usage.rejected` with why."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from aiokafka import AIOKafkaProducer
from aiokafka.structs import ConsumerRecord

from chargeback import codec
from chargeback.contracts import RejectedEvent, Topics
from chargeback.contracts.rejections import FieldError, Origin

UNPROCESSABLE = "unprocessable"


def dead_letter(
    stage: str, record: ConsumerRecord, error: BaseException, now: datetime
) -> RejectedEvent:
    """The rejection of `record`: the stage, the exception class and message, the record."""
    payload = codec.readable(record.value)
    found = payload if isinstance(payload, dict) else {}
    event_id = found.get("id", found.get("event_id"))
    event_source = found.get("source", found.get("event_source"))
    return RejectedEvent(
        stage=stage,
        reason=UNPROCESSABLE,
        errors=[FieldError(field="$", reason=f"{type(error).__name__}: {error}"[:512])],
        event_id=event_id[:256] if isinstance(event_id, str) else None,
        event_source=event_source[:512] if isinstance(event_source, str) else None,
        rejected_at=now,
        payload=payload,
        exception=type(error).__name__[:128],
        origin=Origin(topic=record.topic, partition=record.partition, offset=record.offset),
    )


class DeadLetterSink(Protocol):
    async def publish(self, letter: RejectedEvent, key: bytes | None) -> None:
        """Returns once the letter is stored; raises otherwise."""


class DeadLetters:
    """Publishes dead letters, returning once the broker has them (acks=all)."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self.producer = producer

    async def publish(self, letter: RejectedEvent, key: bytes | None) -> None:
        await self.producer.send_and_wait(Topics.REJECTED, codec.encode(letter), key=key)
