"""Parameters every service takes, with their rules in the OpenAPI document.

- Identifiers (customers, services, meters, budgets): FastAPI checks the pattern; a
  value that breaks it is a 422 naming the parameter and the rule.
- Billing periods (`YYYY-MM`, 2000-01 to 2999-12): the pattern is documented here and
  checked by the route (`terms.domain.Period.parse`), which answers 400 with the reason,
  as every API that takes a period does.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query

from chargeback.contracts.types import IDENTIFIER_PATTERN, PERIOD_PATTERN
from chargeback.money import MINOR_UNITS

IDENTIFIER_RULE = "1-128 letters, digits and ._:- starting with a letter or digit"
PERIOD_RULE = "a calendar month YYYY-MM from 2000-01 to 2999-12"
# What a pattern means, said in a 422's `reason` instead of the pattern itself.
RULES = {IDENTIFIER_PATTERN: IDENTIFIER_RULE, PERIOD_PATTERN: PERIOD_RULE}


def period_rule(description: str = "") -> dict[str, Any]:
    """Keyword arguments of `Query`/`Path` for a period: documented, checked by the route."""
    return {
        "description": description or f"The billing period: {PERIOD_RULE}",
        "json_schema_extra": {"pattern": PERIOD_PATTERN},
    }


def identifier_rule(description: str) -> dict[str, Any]:
    return {"pattern": IDENTIFIER_PATTERN, "description": f"{description} ({IDENTIFIER_RULE})"}


CustomerQuery = Annotated[str, Query(**identifier_rule("The customer"))]
OptionalCustomerQuery = Annotated[str | None, Query(**identifier_rule("The customer"))]
CustomerPath = Annotated[str, Path(**identifier_rule("The customer"))]
PeriodQuery = Annotated[str, Query(**period_rule())]
OptionalPeriodQuery = Annotated[str | None, Query(**period_rule())]
PeriodPath = Annotated[str, Path(**period_rule())]


def identifier_or_empty(description: str) -> dict[str, Any]:
    """A filter a page may send empty ("all"): an identifier or nothing."""
    rule = identifier_rule(f"{description}; empty means all")
    return {**rule, "pattern": f"^$|{IDENTIFIER_PATTERN}"}


def currency_rule() -> dict[str, Any]:
    """An ISO 4217 code the platform bills in: documented as the list; checked by the route."""
    return {
        "min_length": 3,
        "max_length": 3,
        "description": "An ISO 4217 currency the platform bills in",
        "json_schema_extra": {"enum": sorted(MINOR_UNITS)},
    }


# An SSE event id a client sends back (Last-Event-ID): visible ASCII, as alert ids are.
EVENT_ID_RULE: dict[str, Any] = {"max_length": 128, "pattern": r"^[!-~]*$"}
ServiceQuery = Annotated[str | None, Query(**identifier_rule("The service"))]
MeterQuery = Annotated[str | None, Query(**identifier_rule("The meter"))]
CurrencyQuery = Annotated[str | None, Query(**currency_rule())]
