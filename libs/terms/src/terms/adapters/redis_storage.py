"""Published price-book versions in Redis: their YAML text, and a generation counter.

`terms:versions` (version -> text), `terms:starts` (effective_from in UTC -> version)
and `terms:generation`, bumped by each publication: the announcement every service
checks (rating with each batch it rates, in the same snapshot as its tier state).
"""

from __future__ import annotations

from datetime import UTC

from redis.asyncio import Redis

from terms.domain import PriceBook

VERSIONS = "terms:versions"
STARTS = "terms:starts"
GENERATION = "terms:generation"

# Atomic: two publications at once cannot both take a version name or a start time.
PUT_LUA = """
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then
  if existing == ARGV[3] then return {'same', redis.call('GET', KEYS[3]) or '0'} end
  return {'version_taken', '0'}
end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return {'start_taken', '0'} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
return {'published', tostring(redis.call('INCR', KEYS[3]))}
"""


class RedisPriceBookStorage:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._put = redis.register_script(PUT_LUA)

    async def generation(self) -> int:
        return int(await self.redis.get(GENERATION) or 0)

    async def load(self) -> tuple[int, dict[str, str]]:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.get(GENERATION)
            pipe.hgetall(VERSIONS)
            generation, texts = await pipe.execute()
        return int(generation or 0), {_text(k): _text(v) for k, v in texts.items()}

    async def put(self, book: PriceBook, text: str) -> tuple[str, int]:
        start = book.effective_from.astimezone(UTC).isoformat()
        status, generation = await self._put(
            keys=[VERSIONS, STARTS, GENERATION], args=[book.version, start, text]
        )
        return _text(status), int(generation)


def _text(value: bytes | str) -> str:
    """Clients made with or without `decode_responses` both work."""
    return value.decode() if isinstance(value, bytes) else value
