"""Typed settings. Unset URLs mean "embedded": the CLI starts those parts itself."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class InfraSettings(BaseSettings):
    """Where the real parts are. Read from unprefixed variables, as deploy/ sets them."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    kafka_bootstrap_servers: str | None = None
    redis_url: str | None = None
    database_url: str | None = None
    # API keys (hashed) shared by every HTTP service; see chargeback.auth. The default is
    # the file `make run` serves (`chargeback up --run-dir var/run`), so every `keys`
    # command finds it from the checkout without flags.
    chargeback_keys_file: Path = Field(default=Path("var/run/keys.json"))
    chargeback_environment: str = "development"
    log_level: str = "INFO"

    def require_kafka(self) -> str:
        if not self.kafka_bootstrap_servers:
            raise RuntimeError("KAFKA_BOOTSTRAP_SERVERS is not set (run through `chargeback up`)")
        return self.kafka_bootstrap_servers

    def require_redis(self) -> str:
        if not self.redis_url:
            raise RuntimeError("REDIS_URL is not set (run through `chargeback up`)")
        return self.redis_url


# Addresses an app is built with only to read its OpenAPI document (it is never started).
DOCUMENTING = InfraSettings(
    kafka_bootstrap_servers="kafka:9092", redis_url="redis://redis:6379/0", database_url="sqlite://"
)


@lru_cache
def get_infra_settings() -> InfraSettings:
    return InfraSettings()
