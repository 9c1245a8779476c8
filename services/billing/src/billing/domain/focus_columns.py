"""FOCUS 1.2 columns: the mandatory ones, the conditional ones filled, billing's own (`x_`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from billing.domain.customer_settings import Kind

FOCUS_VERSION = "1.2"
MANDATORY = (
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ContractedCost",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "ServiceCategory",
    "ServiceName",
)
CONDITIONAL = (
    "BillingAccountType",
    "ChargeFrequency",
    "ConsumedQuantity",
    "ConsumedUnit",
    "InvoiceId",
    "SubAccountId",
    "SubAccountName",
)
OWN = (
    "x_CustomerKind",
    "x_DocumentType",
    "x_DocumentStatus",
    "x_LineKind",
    "x_UsagePeriod",
    "x_Meter",
    "x_EventSource",
    "x_EventId",
    "x_PriceBookVersion",
    "x_UnitPrice",
)
COLUMNS = MANDATORY + CONDITIONAL + OWN
SERVICE_CATEGORIES = (
    "AI and Machine Learning",
    "Analytics",
    "Business Applications",
    "Compute",
    "Databases",
    "Developer Tools",
    "Multicloud",
    "Identity",
    "Integration",
    "Internet of Things",
    "Management and Governance",
    "Media",
    "Migration",
    "Mobile",
    "Networking",
    "Security",
    "Storage",
    "Web",
    "Other",
)
# Service names the platform knows, by the FOCUS category they fall in (others: costs file).
_KNOWN = {
    "compute": "Compute",
    "storage": "Storage",
    "ci": "Developer Tools",
    "api_gateway": "Networking",
    "network": "Networking",
    "database": "Databases",
}

ColumnValues = dict[str, str | None]


@dataclass(frozen=True, slots=True)
class DocumentContext:
    """One document's columns: who (name and cost center as the document states them)."""

    customer: str
    customer_name: str
    kind: Kind
    cost_center: str | None
    period: str
    period_start: datetime
    period_end: datetime
    currency: str
    document_type: str
    status: str
    number: str | None
    provider: str
    categories: dict[str, str]  # service -> configured FOCUS ServiceCategory


def service_category(service: str, configured: dict[str, str]) -> str:
    category = configured.get(service) or _KNOWN.get(service, "Other")
    return category if category in SERVICE_CATEGORIES else "Other"


def base_columns(ctx: DocumentContext, service: str) -> ColumnValues:
    return {
        "BillingAccountId": ctx.customer,
        "BillingAccountName": ctx.customer_name or ctx.customer,
        "BillingAccountType": "External Customer"
        if ctx.kind == "external"
        else "Internal Department",
        "BillingCurrency": ctx.currency,
        "BillingPeriodStart": ctx.period_start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "BillingPeriodEnd": ctx.period_end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "InvoiceId": ctx.number,
        "InvoiceIssuerName": ctx.provider,
        "ProviderName": ctx.provider,
        "PublisherName": ctx.provider,
        "ServiceName": service,
        "ServiceCategory": service_category(service, ctx.categories),
        "SubAccountId": ctx.cost_center,
        "SubAccountName": ctx.cost_center,
        "x_CustomerKind": ctx.kind,
        "x_DocumentType": ctx.document_type,
        "x_DocumentStatus": ctx.status,
    }
