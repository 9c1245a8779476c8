"""Where the usage.ingest validator has got to, per partition, in a Redis hash.

Written after the batch's records are on the log, behind the platform's fence (a
position moves only from the batch's first offset), so a restart resumes at the first
record not yet handled; replayed events are then caught as duplicates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import redis.asyncio as aioredis
from aiokafka import TopicPartition

from chargeback.tracking import FENCE_LUA

HASH = "metering:validator:offsets"
# ARGV: n x (field, first, next). Moves each admitted position; the refused ones' stored
# positions come back as {field, stored} pairs.
ADVANCE = (
    FENCE_LUA
    + """
local refused = {}
for i = 1, #ARGV, 3 do
  local stored = fenced(KEYS[1], ARGV[i], ARGV[i + 1])
  if stored then
    table.insert(refused, ARGV[i])
    table.insert(refused, stored)
  else
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
  end
end
return refused
"""
)


def _field(tp: TopicPartition) -> str:
    return f"{tp.topic}:{tp.partition}"


class RedisOffsets:
    def __init__(self, client: aioredis.Redis) -> None:
        self.client = client
        self._advance = client.register_script(ADVANCE)

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

    async def advance(
        self, moves: Mapping[TopicPartition, tuple[int, int]]
    ) -> dict[TopicPartition, int]:
        """Move each partition from `first` to `next`; the stored positions that refused."""
        if not moves:
            return {}
        args: list[str] = []
        for tp, (first, following) in moves.items():
            args += [_field(tp), str(first), str(following)]
        refused = await self._advance(keys=[HASH], args=args)
        by_field = {_field(tp): tp for tp in moves}
        pairs = [_text(item) for item in refused]
        return {by_field[pairs[i]]: int(pairs[i + 1]) for i in range(0, len(pairs), 2)}


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
