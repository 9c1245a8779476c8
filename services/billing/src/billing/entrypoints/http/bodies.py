"""The request bodies billing reads itself (to name a refused field precisely), as OpenAPI
states them. What a schema cannot say (a fixed cost in whole minor units, a statement type
that fits the kind) is refused with 422 naming the field."""

from __future__ import annotations

from typing import Any

from billing.domain.costs import METHODS
from chargeback.money import MINOR_UNITS

DECIMAL = {
    "oneOf": [
        {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$", "maxLength": 64},
        {"type": "integer", "minimum": 0},
    ]
}
NAMED_AMOUNTS = {"type": "object", "additionalProperties": DECIMAL}


def _body(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "required": True,
        "content": {"application/json": {"schema": schema}},
    }


COST_BODY = _body(
    "A service's costs: fixed per period, variable per unit, how fixed costs are allocated",
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "currency": {"enum": sorted(MINOR_UNITS)},
            "fixed": NAMED_AMOUNTS,
            "variable": NAMED_AMOUNTS,
            "category": {"type": "string", "maxLength": 128},
            "allocation": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "method": {"enum": list(METHODS)},
                    "meter": {"type": "string", "maxLength": 128},
                    "shares": NAMED_AMOUNTS,
                },
            },
        },
    },
)
GRACE = {"type": ["integer", "null"], "minimum": 0, "description": "null: the default"}
SETTINGS_BODY = _body(
    "Billing's own settings of a customer (terms are refused: publish a price-book version)",
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "kind": {"enum": ["external", "internal", None]},
            "statement_type": {"enum": ["invoice", "chargeback", "showback", None]},
            "grace_days": GRACE,
            "grace_hours": GRACE,
        },
    },
)
