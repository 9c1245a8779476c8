"""Where price-book versions come from and live: YAML files, and the registry in Redis."""

from __future__ import annotations

from pathlib import Path

from redis.asyncio import Redis

from terms.adapters.files import load_catalog, parse, parse_price_book, read_versions
from terms.adapters.redis_storage import GENERATION, RedisPriceBookStorage
from terms.service_layer.registry import PriceBookRegistry

__all__ = [
    "GENERATION",
    "RedisPriceBookStorage",
    "load_catalog",
    "open_registry",
    "parse_price_book",
    "read_versions",
    "start_registry",
]


def open_registry(redis: Redis) -> PriceBookRegistry:
    """The registry of published versions, kept in `redis` (nothing is read yet)."""
    return PriceBookRegistry(RedisPriceBookStorage(redis), parse)


async def start_registry(redis: Redis, seed: Path | None) -> PriceBookRegistry:
    """The registry, with the seed versions (a file or a folder) published if absent."""
    registry = open_registry(redis)
    if seed is not None:
        await registry.seed(read_versions(seed))
    await registry.reload()
    return registry
