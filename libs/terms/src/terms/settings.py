"""Where price-book versions come from and live, read by every service.

`CHARGEBACK_PRICE_BOOK`: the seed versions, published at start if absent.
`CHARGEBACK_TERMS_REDIS_URL`: the Redis database of the registry, when it is not the
service's own `REDIS_URL` (rating keeps its tier state there, so for rating the two are
one database: it reads the publication counter atomically with its state).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class TermsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHARGEBACK_", extra="ignore")

    # A price-book YAML file, or a folder whose YAML files are versions. Published into
    # the registry at start when absent; unset: only versions already published count.
    price_book: Path | None = None
    terms_redis_url: str | None = None

    def registry_url(self, own_redis_url: str | None) -> str:
        """The registry's Redis: its own setting, else the service's."""
        found = self.terms_redis_url or own_redis_url
        if not found:
            raise RuntimeError("REDIS_URL is not set (run through `chargeback up`)")
        return found


@lru_cache
def get_terms_settings() -> TermsSettings:
    return TermsSettings()
