"""Kafka wiring shared by the services: producers, topic creation, batch consumers."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from chargeback.contracts.topics import Topics

log = logging.getLogger(__name__)


def make_producer(bootstrap: str, **overrides: object) -> AIOKafkaProducer:
    """A producer that only reports success once every in-sync replica has the record."""
    options: dict[str, object] = {
        "acks": "all",
        "linger_ms": 5,
        "max_batch_size": 256 * 1024,
        "request_timeout_ms": 15000,
    }
    options.update(overrides)
    return AIOKafkaProducer(bootstrap_servers=bootstrap, **options)  # type: ignore[arg-type]


async def ensure_topics(
    bootstrap: str, partitions: dict[str, int] | None = None, *, attempts: int = 30
) -> None:
    """Create the platform's topics if missing (idempotent; retried while the broker starts)."""
    wanted = partitions or Topics.PARTITIONS
    for attempt in range(attempts):
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [
                NewTopic(name, num_partitions=count, replication_factor=1)
                for name, count in wanted.items()
                if name not in existing
            ]
            if missing:
                with contextlib.suppress(TopicAlreadyExistsError):
                    await admin.create_topics(missing)
            return
        except Exception as exc:  # the broker may still be starting
            if attempt == attempts - 1:
                raise
            log.debug("topic creation not yet possible: %s", exc)
            await asyncio.sleep(0.5)
        finally:
            await admin.close()


def partition_for(key: str, partitions: int) -> int:
    """Kafka's default partitioner (murmur2), so every producer agrees where a customer lives."""
    from kafka.partitioner.default import murmur2

    return (murmur2(key.encode()) & 0x7FFFFFFF) % partitions
