"""Billing's own settings per customer: what kind of customer, which statement, how much grace.

These are all billing keeps of a customer (the settings file `customers:` section, or
`PUT /v1/customers/{id}`). Everything that changes money or periods (name, cost center,
time zone, currency, discounts, own rates, commitments) is a term: it comes from the
published price-book versions and changes only by publishing a new one, so a term given
here is refused, naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

Kind = Literal["external", "internal"]
StatementType = Literal["invoice", "chargeback", "showback"]
KINDS: tuple[Kind, ...] = ("external", "internal")
STATEMENTS: tuple[StatementType, ...] = ("invoice", "chargeback", "showback")
SETTINGS_FIELDS = ("kind", "statement_type", "grace_days", "grace_hours")
# A customer's terms, as a price-book version states them (and billing's former copies).
TERM_FIELDS = frozenset(
    {
        "name",
        "cost_center",
        "time_zone",
        "currency",
        "discount_percent",
        "overrides",
        "commitments",
        "committed",
        "price",
        "pricing",
        "free_allowance",
    }
)
MAX_GRACE = timedelta(days=60)


class CustomerConfigError(ValueError):
    """Customer settings that cannot be used; the message names the customer and field."""

    def __init__(self, customer: str, field: str, reason: str) -> None:
        super().__init__(f"customer {customer}: {field} {reason}")
        self.customer, self.field = customer, field


@dataclass(frozen=True, slots=True)
class CustomerSettings:
    id: str
    kind: Kind = "external"
    statement: StatementType = "invoice"
    grace: timedelta | None = None  # None: the service default

    @property
    def charged(self) -> bool:
        """False for showback: shown, never posted to receivables."""
        return self.statement != "showback"


TERM_REFUSAL = (
    "is a term of the customer: it comes from the price book and changes only by "
    "publishing a price-book version"
)


def parse_settings(customer_id: str, raw: Mapping[str, Any]) -> CustomerSettings:
    """Settings from a settings-file entry or an API body; terms and unknown keys refused."""
    for key in raw:
        if key in TERM_FIELDS:
            raise CustomerConfigError(customer_id, str(key), TERM_REFUSAL)
        if key not in SETTINGS_FIELDS:
            allowed = ", ".join(SETTINGS_FIELDS)
            raise CustomerConfigError(customer_id, str(key)[:64], f"is unknown; allowed: {allowed}")
    given_kind, given = raw.get("kind"), raw.get("statement_type")
    if given_kind is not None and given_kind not in KINDS:
        reason = f"must be one of {', '.join(KINDS)}, got {str(given_kind)[:32]!r}"
        raise CustomerConfigError(customer_id, "kind", reason)
    if given is not None and given not in STATEMENTS:
        reason = f"must be one of {', '.join(STATEMENTS)}, got {str(given)[:32]!r}"
        raise CustomerConfigError(customer_id, "statement_type", reason)
    kind: Kind = given_kind or ("external" if given in (None, "invoice") else "internal")
    statement: StatementType = given or ("invoice" if kind == "external" else "chargeback")
    if (kind == "external") != (statement == "invoice"):
        reason = f"cannot be {statement} for an {kind} customer"
        raise CustomerConfigError(customer_id, "statement_type", reason)
    return CustomerSettings(customer_id, kind, statement, _grace(customer_id, raw))


def _grace(customer_id: str, raw: Mapping[str, Any]) -> timedelta | None:
    days, hours = raw.get("grace_days"), raw.get("grace_hours")
    if days is None and hours is None:
        return None
    for name, value in (("grace_days", days), ("grace_hours", hours)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            reason = f"must be a whole number, got {str(value)[:32]!r}"
            raise CustomerConfigError(customer_id, name, reason)
    grace = timedelta(days=days or 0, hours=hours or 0)
    if not timedelta(0) <= grace <= MAX_GRACE:
        reason = f"and grace_hours must make a grace period of 0 to {MAX_GRACE.days} days"
        raise CustomerConfigError(customer_id, "grace_days", reason)
    return grace
