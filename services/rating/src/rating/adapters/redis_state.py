"""The rating state in Redis: tier totals, identities charged, and the offsets they reflect.

Keys (all under `rating:`):
- `rating:offsets:usage.events` hash: partition -> next offset to apply;
- `rating:usage:{customer}:{period}` hash: `service/meter` -> units used, an exact decimal
  STRING (never INCRBYFLOAT: a float would lose digits);
- `rating:seen:{digest}`: an identity (source + id) charged, kept `dedup_ttl_s`.
A snapshot is one MULTI/EXEC; a commit is one Lua script per partition, so a partition's
totals, identities and offset change together or not at all.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from chargeback.contracts import Topics
from chargeback.tracking import FENCE_LUA
from rating.service_layer.ports import CommitResult, Committed, PartitionCommit, Snapshot
from terms.adapters import GENERATION
from terms.domain import UsageKey
from terms.domain.pricing import plain

PREFIX = "rating:"
OFFSETS = f"{PREFIX}offsets:{Topics.EVENTS}"
COMMIT_LUA = FENCE_LUA + (Path(__file__).parent / "commit_partition.lua").read_text()


def usage_hash(customer: str, period: str) -> str:
    return f"{PREFIX}usage:{customer}:{period}"


def seen_key(identity: str) -> str:
    return f"{PREFIX}seen:{hashlib.blake2b(identity.encode(), digest_size=16).hexdigest()}"


class RedisRatingStore:
    def __init__(self, redis: Redis, *, dedup_ttl_s: int) -> None:
        self.redis = redis
        self.dedup_ttl_s = dedup_ttl_s
        self._commit = redis.register_script(COMMIT_LUA)

    async def snapshot(
        self, partitions: Sequence[int], usage: set[UsageKey], identities: set[str]
    ) -> Snapshot:
        groups: dict[tuple[str, str], list[UsageKey]] = defaultdict(list)
        for key in usage:
            groups[(key[0], key[3])].append(key)
        ordered_ids = list(identities)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hmget(OFFSETS, [str(p) for p in partitions])
            pipe.get(GENERATION)
            for (customer, period), keys in groups.items():
                pipe.hmget(usage_hash(customer, period), [f"{k[1]}/{k[2]}" for k in keys])
            if ordered_ids:
                pipe.mget([seen_key(identity) for identity in ordered_ids])
            replies: list[Any] = await pipe.execute()
        offsets = {p: int(v) for p, v in zip(partitions, replies[0], strict=True) if v is not None}
        totals = {
            key: Decimal(value.decode())
            for keys, values in zip(groups.values(), replies[2:], strict=False)
            for key, value in zip(keys, values, strict=True)
            if value is not None
        }
        marks = replies[-1] if ordered_ids else []
        seen = frozenset(i for i, mark in zip(ordered_ids, marks, strict=True) if mark is not None)
        return Snapshot(offsets, int(replies[1] or 0), totals, seen)

    async def commit(self, commits: Sequence[PartitionCommit]) -> dict[int, CommitResult]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for commit in commits:
                entries = sorted(commit.usage.items())
                keys = [OFFSETS, *(usage_hash(k[0], k[3]) for k, _ in entries)]
                keys += [seen_key(identity) for identity in commit.charged]
                args: list[Any] = [
                    commit.partition,
                    commit.first_offset,
                    commit.next_offset,
                    self.dedup_ttl_s,
                    len(entries),
                ]
                for key, total in entries:
                    args += [f"{key[1]}/{key[2]}", plain(total)]
                await self._commit(keys=keys, args=args, client=pipe)
            replies = await pipe.execute()
        results = {}
        for commit, (status, stored) in zip(commits, replies, strict=True):
            outcome = {1: Committed.APPLIED, 0: Committed.FENCED}.get(int(status), Committed.STALE)
            offset = int(stored) if outcome is Committed.FENCED else None
            results[commit.partition] = CommitResult(outcome, offset)
        return results

    async def positions(self, partitions: Sequence[int]) -> dict[int, int]:
        values = await self.redis.hmget(OFFSETS, [str(p) for p in partitions])
        return {p: int(v) for p, v in zip(partitions, values, strict=True) if v is not None}

    async def used_in_period(self, customer: str, period: str) -> dict[tuple[str, str], Decimal]:
        """Units used per (service, meter) by a customer in a billing period."""
        stored = await self.redis.hgetall(usage_hash(customer, period))
        used = {}
        for field, value in stored.items():
            service, _, meter = _text(field).partition("/")
            used[(service, meter)] = Decimal(_text(value))
        return used


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
