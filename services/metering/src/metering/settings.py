"""Metering settings, from METERING_* variables (the shared infra settings are separate)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class MeteringSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="METERING_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8001, ge=1, le=65535)
    # An event identity (source + id) seen within this window is a duplicate.
    dedup_window_s: int = Field(default=7 * 24 * 3600, ge=1)
    # How long a request's claim holds before it must be confirmed (longer than a produce).
    dedup_hold_s: int = Field(default=120, ge=5)
    max_batch_events: int = Field(default=5000, ge=1)
    max_body_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    # Validate what emitters produce straight to usage.ingest (consumer group "metering").
    kafka_validator: bool = True
    # Kafka consumer session timeout of the validator; the embedded broker holds every
    # JoinGroup for about half of it, and a restart of the group for about twice it.
    validator_session_timeout_ms: int = Field(default=10000, ge=1000)


@lru_cache
def get_settings() -> MeteringSettings:
    return MeteringSettings()
