"""Where the usage.ingest validator has got to, per partition, in a Redis hash.

Written after the batch's records are on the log, so a restart resumes at the
first record not yet handled; replayed events are then caught as duplicates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import redis.asyncio as aioredis
from aiokafka import TopicPartition

HASH = "metering:validator:offsets"


def _field(tp: TopicPartition) -> str:
    return f"{tp.topic}:{tp.partition}"


class RedisOffsets:
    def __init__(self, client: aioredis.Redis) -> None:
        self.client = client

    async def positions(self, partitions: Sequence[TopicPartition]) -> dict[TopicPartition, int]:
        """The next offset to handle, for the partitions that have one."""
        if not partitions:
            return {}
        stored = await self.client.hmget(HASH, [_field(tp) for tp in partitions])
        return {
            tp: int(value)
            for tp, value in zip(partitions, stored, strict=True)
            if value is not None
        }

    async def save(self, next_offsets: Mapping[TopicPartition, int]) -> None:
        if next_offsets:
            await self.client.hset(
                HASH, mapping={_field(tp): str(offset) for tp, offset in next_offsets.items()}
            )
