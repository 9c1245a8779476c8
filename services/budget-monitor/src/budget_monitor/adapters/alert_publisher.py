"""Publishes alerts to `budget.alerts`, keyed by budget id, waiting for the broker's ack."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer

from chargeback.contracts import BudgetAlert, Topics


class KafkaAlertPublisher:
    def __init__(self, producer: AIOKafkaProducer, topic: str = Topics.ALERTS) -> None:
        self.producer = producer
        self.topic = topic

    async def publish(self, alert: BudgetAlert, raw: bytes) -> None:
        await self.producer.send_and_wait(self.topic, value=raw, key=alert.budget_id.encode())
