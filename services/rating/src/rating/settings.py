"""Rating settings, from RATING_* variables (infrastructure URLs come from chargeback.settings)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

FORTY_DAYS_S = 40 * 24 * 3600


class RatingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RATING_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8002, ge=1, le=65535)
    # How long an event's identity is remembered to charge a re-sent copy of it only once.
    dedup_ttl_s: int = Field(default=FORTY_DAYS_S, ge=60)


@lru_cache
def get_settings() -> RatingSettings:
    return RatingSettings()
