"""The raw broker: produce and consume 300-byte JSON records with aiokafka, concurrently."""

from __future__ import annotations

import asyncio
import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

PAYLOAD = b'{"pad":"' + b"x" * 290 + b'"}'


async def produce_consume_rate(bootstrap: str, count: int, topic: str = "bench.baseline") -> float:
    """Records/s from the first send to the last record consumed."""
    from chargeback.kafka import ensure_topics

    await ensure_topics(bootstrap, {topic: 4})
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        group_id=None,
        max_poll_records=5000,
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_batch_size=256 * 1024
    )
    await consumer.start()
    await producer.start()
    try:
        started = time.perf_counter()

        async def produce() -> None:
            futures = [
                await producer.send(topic, PAYLOAD, key=str(i % 64).encode()) for i in range(count)
            ]
            await asyncio.gather(*futures)

        sending = asyncio.create_task(produce())
        received = 0
        while received < count:
            batch = await consumer.getmany(timeout_ms=500, max_records=5000)
            received += sum(len(records) for records in batch.values())
        await sending
        return count / (time.perf_counter() - started)
    finally:
        await producer.stop()
        await consumer.stop()
