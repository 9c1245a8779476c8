"""Billing's own settings (env prefix BILLING_); the shared URLs come from InfraSettings.

Customer terms (names, cost centers, time zones, currencies, commitments) are not
settings of billing: they come from the published price-book versions, seeded from
`CHARGEBACK_PRICE_BOOK` (`terms.settings`) into the registry in Redis (`REDIS_URL`).
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Where the ledger lives when DATABASE_URL names none (the embedded default).
EMBEDDED_DATABASE_URL = "sqlite:///var/billing/ledger.db"


class BillingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BILLING_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8003, ge=1, le=65535)
    # Consumer group of the ledger writer (one group: partitions are shared among replicas).
    consumer_group: str = "billing"
    consumer_max_records: int = Field(default=5000, ge=1, le=50_000)
    consumer_session_timeout_ms: int = Field(default=10_000, ge=6_000)
    # The currency of a document with no charges when no price-book version is in force
    # for its period (otherwise the version's currency) and the request names none.
    default_currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    # Most charges one drill-down page returns.
    max_page_size: int = Field(default=1000, ge=1, le=10_000)
    # Customers' billing settings: YAML `customers: {id: {kind, statement_type, grace_days,
    # grace_hours}}`. Unset: defaults (external, invoiced) until set through the API.
    customers_file: Path | None = None
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


@lru_cache
def get_settings() -> BillingSettings:
    return BillingSettings()
