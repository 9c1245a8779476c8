"""Billing's own settings (env prefix BILLING_); the shared URLs come from InfraSettings."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Where the ledger lives when DATABASE_URL names none (the embedded default).
EMBEDDED_DATABASE_URL = "sqlite:///var/billing/ledger.db"
EXAMPLE_PRICE_BOOK = (
    Path(__file__).resolve().parents[4] / "contracts" / "pricebooks" / "example.yaml"
)


class BillingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BILLING_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8003, ge=1, le=65535)
    # Consumer group of the ledger writer (one group: partitions are shared among replicas).
    consumer_group: str = "billing"
    consumer_max_records: int = Field(default=5000, ge=1, le=50_000)
    consumer_session_timeout_ms: int = Field(default=10_000, ge=6_000)
    # The currency of an empty draft invoice when the request names none.
    default_currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    # Most charges one drill-down page returns.
    max_page_size: int = Field(default=1000, ge=1, le=10_000)
    # Customer settings: a YAML file with a `customers` section (a price book). Unset: the
    # price book rating runs with (RATING_PRICE_BOOK), else the repository's example.
    customers_file: Path | None = None
    price_book: Path | None = Field(
        default=None, validation_alias=AliasChoices("BILLING_PRICE_BOOK", "RATING_PRICE_BOOK")
    )
    # Service costs (YAML `services:`, see billing.domain.costs); unset: none until set by API.
    costs_file: Path | None = None
    # How often the scheduler looks for periods past their end + grace (0: never).
    finalize_every_s: float = Field(default=300.0, ge=0)
    # Grace period after a period's end for customers that set none.
    default_grace_hours: int = Field(default=72, ge=0, le=24 * 60)
    # Who issues the documents (FOCUS ProviderName, PublisherName, InvoiceIssuerName).
    provider_name: str = Field(default="Internal IT", min_length=1, max_length=128)

    @property
    def default_grace(self) -> timedelta:
        return timedelta(hours=self.default_grace_hours)

    def customers_source(self) -> Path | None:
        """The file customers are read from at start-up (None: no file)."""
        if self.customers_file is not None:
            return self.customers_file
        if self.price_book is not None:
            return self.price_book
        return EXAMPLE_PRICE_BOOK if EXAMPLE_PRICE_BOOK.exists() else None


@lru_cache
def get_settings() -> BillingSettings:
    return BillingSettings()
