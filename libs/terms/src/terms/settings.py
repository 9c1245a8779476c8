"""Where the seed price-book versions are: `CHARGEBACK_PRICE_BOOK`, read by every service."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class TermsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHARGEBACK_", extra="ignore")

    # A price-book YAML file, or a folder whose YAML files are versions. Published into
    # the registry at start when absent; unset: only versions already published count.
    price_book: Path | None = None


@lru_cache
def get_terms_settings() -> TermsSettings:
    return TermsSettings()
