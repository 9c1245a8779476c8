"""Publishing a batch: every message sent at once, then every acknowledgement awaited."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer

from rating.service_layer.rate_records import Outgoing


class KafkaPublisher:
    def __init__(self, producer: AIOKafkaProducer) -> None:
        self.producer = producer

    async def publish(self, messages: Sequence[Outgoing]) -> None:
        """Returns once the broker has every message (acks=all); raises the first failure."""
        send = self.producer.send
        pending = [await send(m.topic, m.value, key=m.key) for m in messages]
        outcomes = await asyncio.gather(*pending, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
