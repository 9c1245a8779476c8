"""Who is billed how: a customer's statement type, cost center, time zone and grace period.

External customers get invoices. Internal ones (departments) get chargeback
statements (cost moved to their cost center) or showback statements (shown, not
charged). Periods are cut in the customer's time zone; a period is finalized once
its end plus the grace period has passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from billing.domain.commitment_config import from_overrides, parse_commitments
from billing.domain.commitments import Commitment
from chargeback.money import MINOR_UNITS

Kind = Literal["external", "internal"]
StatementType = Literal["invoice", "chargeback", "showback"]
KINDS: tuple[Kind, ...] = ("external", "internal")
STATEMENTS: tuple[StatementType, ...] = ("invoice", "chargeback", "showback")
DEFAULT_GRACE = timedelta(days=3)
MAX_GRACE = timedelta(days=60)


class CustomerConfigError(ValueError):
    """Customer settings that cannot be used; the message names the customer and field."""


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    name: str = ""
    kind: Kind = "external"
    statement: StatementType = "invoice"
    cost_center: str | None = None
    time_zone: str = "UTC"
    currency: str | None = None  # of documents with no charges (commitments only)
    grace: timedelta | None = None  # None: the service default
    commitments: tuple[Commitment, ...] = field(default=())

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def charged(self) -> bool:
        """False for showback: shown, never posted to receivables."""
        return self.statement != "showback"


def default_customer(customer_id: str) -> Customer:
    """Settings of a customer nobody configured: external, invoiced, UTC."""
    return Customer(id=customer_id, name=customer_id)


def parse_customer(
    customer_id: str, raw: Mapping[str, Any], services: Mapping[str, Any] | None = None
) -> Customer:
    """Settings from a price book's `customers` entry or an API body; unknown keys are ignored.

    Commitments come from `commitments` and from the price book's `overrides` (committed
    quantities), priced with the book's `services` when given.
    """

    def fail(what: str) -> CustomerConfigError:
        return CustomerConfigError(f"customer {customer_id}: {what}")

    given_kind, given = raw.get("kind"), raw.get("statement_type", raw.get("statement"))
    if given_kind is not None and given_kind not in KINDS:
        raise fail(f"kind must be one of {', '.join(KINDS)}, got {given_kind!r}")
    if given is not None and given not in STATEMENTS:
        raise fail(f"statement_type must be one of {', '.join(STATEMENTS)}, got {given!r}")
    kind: Kind = given_kind or ("external" if given in (None, "invoice") else "internal")
    statement: StatementType = given or ("invoice" if kind == "external" else "chargeback")
    if (kind == "external") != (statement == "invoice"):
        raise fail(f"a {kind} customer cannot get {statement} statements")
    zone = str(raw.get("time_zone", "UTC"))
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(f"time_zone {zone[:64]!r} is not an IANA time zone") from None
    currency = raw.get("currency")
    if currency is not None and currency not in MINOR_UNITS:
        raise fail(f"currency {currency!r} is not one the platform bills in")
    cost_center = raw.get("cost_center")
    if statement == "chargeback" and not cost_center:
        cost_center = customer_id  # charged back to a cost center named like the department
    return Customer(
        id=customer_id,
        name=str(raw.get("name") or customer_id)[:256],
        kind=kind,
        statement=statement,
        cost_center=str(cost_center)[:128] if cost_center else None,
        time_zone=zone,
        currency=currency,
        grace=_grace(raw, fail),
        commitments=parse_commitments(raw, customer=customer_id)
        + from_overrides(raw, services or {}, customer=customer_id),
    )


def _grace(raw: Mapping[str, Any], fail: Any) -> timedelta | None:
    days, hours = raw.get("grace_days"), raw.get("grace_hours")
    if days is None and hours is None:
        return None
    try:
        grace = timedelta(days=int(days or 0), hours=int(hours or 0))
    except (TypeError, ValueError):
        raise fail("grace_days and grace_hours must be whole numbers") from None
    if not timedelta(0) <= grace <= MAX_GRACE:
        raise fail(f"grace period must be between 0 and {MAX_GRACE.days} days")
    return grace
