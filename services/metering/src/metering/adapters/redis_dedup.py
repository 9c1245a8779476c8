"""The de-duplication store in Redis: one key per event identity, with an expiry.

A key holds `pending:<owner>` while its request produces the event (expiring
after the hold, so a crashed request frees it), then `done` for the window.
"""

from __future__ import annotations

from collections.abc import Sequence

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from metering.domain.dedup import Claim
from metering.domain.ports import DedupStore, StoreUnavailable

PREFIX = "metering:dedup:"
DONE = "done"
PENDING = "pending:"

# Delete only the keys still held by this owner: a claim that expired and was taken by
# another request must not be released by the first one.
_RELEASE_OWN = """
local released = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('DEL', key)
    released = released + 1
  end
end
return released
"""


class RedisDedupStore(DedupStore):
    def __init__(self, client: aioredis.Redis) -> None:
        self.client = client

    @classmethod
    def from_url(cls, url: str) -> RedisDedupStore:
        return cls(aioredis.Redis.from_url(url, decode_responses=True))

    async def claim(self, keys: Sequence[str], *, owner: str, hold_s: int) -> dict[str, Claim]:
        if not keys:
            return {}
        async with self.client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.set(PREFIX + key, PENDING + owner, nx=True, ex=hold_s)
                pipe.get(PREFIX + key)
            replies = await self._run(pipe)
        claims: dict[str, Claim] = {}
        for position, key in enumerate(keys):
            was_set, holder = replies[2 * position], replies[2 * position + 1]
            if was_set:
                claims[key] = Claim.CLAIMED
            elif holder == DONE:
                claims[key] = Claim.SEEN
            else:  # another request's pending claim (or one that expired just now)
                claims[key] = Claim.IN_FLIGHT
        return claims

    async def confirm(self, keys: Sequence[str], *, window_s: int) -> None:
        if not keys:
            return
        async with self.client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.set(PREFIX + key, DONE, ex=window_s)
            await self._run(pipe)

    async def release(self, keys: Sequence[str], *, owner: str) -> None:
        if not keys:
            return
        try:
            await self.client.eval(
                _RELEASE_OWN, len(keys), *(PREFIX + k for k in keys), PENDING + owner
            )
        except (RedisError, OSError) as exc:
            raise StoreUnavailable(f"redis: {exc}") from exc

    async def ping(self) -> bool:
        try:
            return bool(await self.client.ping())
        except (RedisError, OSError):
            return False

    async def aclose(self) -> None:
        await self.client.aclose()

    @staticmethod
    async def _run(pipe: aioredis.client.Pipeline) -> list[object]:
        try:
            return list(await pipe.execute())
        except (RedisError, OSError) as exc:
            raise StoreUnavailable(f"redis: {exc}") from exc
