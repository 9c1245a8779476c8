"""Metering settings, from METERING_* variables (the shared infra settings are separate)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Rating and the budget monitor remember charged event ids this long, counted from the
# charge (the defaults of RATING_DEDUP_TTL_S and BUDGET_MONITOR_SEEN_TTL_S).
CHARGED_IDS_REMEMBERED_DAYS = 40


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
    # How far an event's `time` may lie before its arrival (35 days, the window Stripe
    # applies to meter events). At most 40 days: rating and the budget monitor remember
    # charged event ids for 40 days, and a copy of an event re-sent once they have forgotten
    # it would be charged twice. The default leaves 5 days for the lead below and for lag.
    max_event_age_days: int = Field(default=35, ge=1, le=CHARGED_IDS_REMEMBERED_DAYS)
    # How far after its arrival: room for emitters' clock skew, not for scheduled usage.
    max_event_lead_s: int = Field(default=300, ge=0, le=3600)
    # Validate what emitters produce straight to usage.ingest (consumer group "metering").
    kafka_validator: bool = True
    # Kafka consumer session timeout of the validator; the embedded broker holds every
    # JoinGroup for about half of it, and a restart of the group for about twice it.
    validator_session_timeout_ms: int = Field(default=10000, ge=1000)


@lru_cache
def get_settings() -> MeteringSettings:
    return MeteringSettings()
