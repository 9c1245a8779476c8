"""Field types shared by the message models: exact decimals on the wire as strings."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer

from chargeback.money import MINOR_UNITS, parse_decimal

MAX_DECIMAL_DIGITS = 38
MAX_DECIMAL_CHARS = 64
RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _exact_decimal(value: Any) -> Decimal:
    result = parse_decimal(value, field="value")
    written = plain(result)  # the limits hold for the form every message carries
    if len(written.lstrip("-").replace(".", "").lstrip("0")) > MAX_DECIMAL_DIGITS:
        raise ValueError(f"more than {MAX_DECIMAL_DIGITS} significant digits")
    if len(written) > MAX_DECIMAL_CHARS:
        raise ValueError(f"longer than {MAX_DECIMAL_CHARS} characters when written out")
    return result


def plain(value: Decimal) -> str:
    """A decimal written out without exponent, as every message carries it."""
    return format(value, "f")


def _rfc3339(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not RFC3339.fullmatch(value):
        raise ValueError(
            "time must be an RFC 3339 timestamp with offset, e.g. 2026-11-25T10:00:00Z"
        )
    return value


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("time must carry a UTC offset (e.g. Z or +01:00)")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("time is out of range once converted to UTC") from None


ExactDecimal = Annotated[
    Decimal, BeforeValidator(_exact_decimal), PlainSerializer(plain, return_type=str)
]
UtcDateTime = Annotated[
    datetime,
    BeforeValidator(_rfc3339),
    AfterValidator(_utc),
    PlainSerializer(
        lambda v: v.astimezone(UTC).isoformat().replace("+00:00", "Z"), return_type=str
    ),
]
IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
# A billing period: a calendar month of the platform's calendar, 2000-01 to 2999-12.
PERIOD_PATTERN = r"^2[0-9]{3}-(0[1-9]|1[0-2])$"
# A budget's period: a month, quarter or year, or a custom period's first and end dates.
_DAY = r"2[0-9]{3}-[0-9]{2}-[0-9]{2}"
BUDGET_PERIOD_PATTERN = rf"^2[0-9]{{3}}(-(0[1-9]|1[0-2])|-Q[1-4])?$|^{_DAY}/{_DAY}$"
Identifier = Annotated[str, Field(pattern=IDENTIFIER_PATTERN)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


def check_currency(value: str) -> str:
    if value not in MINOR_UNITS:
        raise ValueError(f"unsupported currency {value!r}")
    return value
