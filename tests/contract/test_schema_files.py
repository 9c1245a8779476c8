"""Every JSON Schema in contracts/schemas is valid draft 2020-12 and agrees with its model.

Drift fails here: a field added to a pydantic model and not to its schema (or the reverse),
a required field that became optional, a pattern or length that changed on one side only.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from contract_files import SCHEMAS, load_schema, refs, resolve_pointer, schema_files
from jsonschema import Draft202012Validator
from pydantic import BaseModel

from chargeback.contracts import (
    BudgetAlert,
    RatedCharge,
    RejectedEvent,
    RuleEffect,
    UsageData,
    UsageEvent,
)
from chargeback.contracts.events import MAX_DIMENSIONS, USAGE_EVENT_TYPE
from chargeback.contracts.rejections import FieldError
from chargeback.money import MINOR_UNITS

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

# (schema file, JSON pointer of the object in it, the model it describes)
MODEL_NODES: list[tuple[str, str, type[BaseModel]]] = [
    ("usage-event", "#", UsageEvent),
    ("usage-event", "#/$defs/usageData", UsageData),
    ("rated-charge", "#", RatedCharge),
    ("rated-charge", "#/$defs/ruleEffect", RuleEffect),
    ("budget-alert", "#", BudgetAlert),
    ("rejected-event", "#", RejectedEvent),
    ("rejected-event", "#/$defs/fieldError", FieldError),
]
NODE_IDS = [f"{model.__name__}" for _, _, model in MODEL_NODES]
# $defs that several schemas carry a copy of; the copies must be equal.
SHARED_DEFINITIONS = ("identifier", "decimal", "currency", "timestamp")
# Keywords whose value must be the same in the model's own JSON schema and ours.
STRING_CONSTRAINTS = ("pattern", "minLength", "maxLength")
CONTAINER_CONSTRAINTS = ("minProperties", "maxProperties", "minItems", "maxItems")


def test_every_schema_is_valid_draft_2020_12() -> None:
    for path in schema_files():
        schema = json.loads(path.read_text())
        assert schema.get("$schema") == DRAFT_2020_12, f"{path.name} must declare draft 2020-12"
        # Checks against the metaschema, including that every `pattern` is a valid regex.
        Draft202012Validator.check_schema(schema)


def test_every_local_ref_resolves() -> None:
    for path in schema_files():
        schema = json.loads(path.read_text())
        for ref in refs(schema):
            assert ref.startswith("#"), f"{path.name}: {ref} leaves the file; keep schemas whole"
            try:
                resolve_pointer(schema, ref)
            except (KeyError, IndexError, ValueError):
                pytest.fail(f"{path.name}: $ref {ref} names nothing")


@pytest.mark.parametrize(("schema_name", "pointer", "model"), MODEL_NODES, ids=NODE_IDS)
def test_properties_and_required_fields_match_the_model(
    schema_name: str, pointer: str, model: type[BaseModel]
) -> None:
    node = resolve_pointer(load_schema(schema_name), pointer)
    assert set(node["properties"]) == set(model.model_fields)
    required = {name for name, field in model.model_fields.items() if field.is_required()}
    assert set(node.get("required", [])) == required
    # The models forbid unknown fields; so must the schema.
    assert node.get("additionalProperties") is False


def _constraints(node: dict[str, Any], root: dict[str, Any]) -> tuple[set[Any], set[Any]]:
    """(string constraints, allowed literal values) of one property, across $ref/anyOf/oneOf."""
    if "$ref" in node:
        target = resolve_pointer(root, node["$ref"])
        extra = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **extra}
    constraints = {(key, node[key]) for key in STRING_CONSTRAINTS if key in node}
    literals: set[Any] = set()
    if "const" in node:
        literals.add(node["const"])
    literals.update(node.get("enum", []))
    for branch in node.get("anyOf", []) + node.get("oneOf", []):
        more, values = _constraints(branch, root)
        constraints |= more
        literals |= values
    return constraints, literals


@pytest.mark.parametrize(("schema_name", "pointer", "model"), MODEL_NODES, ids=NODE_IDS)
def test_string_constraints_match_the_model(
    schema_name: str, pointer: str, model: type[BaseModel]
) -> None:
    """Every pattern, length bound and literal the model enforces, the schema states too."""
    ours_root = load_schema(schema_name)
    ours = resolve_pointer(ours_root, pointer)
    theirs_root = model.model_json_schema()
    for name, theirs in theirs_root["properties"].items():
        if theirs.get("type") in ("object", "array") or "$ref" in theirs:
            continue  # containers are checked by their own tests
        expected, expected_literals = _constraints(theirs, theirs_root)
        found, found_literals = _constraints(ours["properties"][name], ours_root)
        assert expected <= found, f"{model.__name__}.{name}: schema lacks {expected - found}"
        assert expected_literals <= found_literals, f"{model.__name__}.{name}"


def _container_constraints(node: dict[str, Any], root: dict[str, Any]) -> set[Any]:
    """Size bounds of an object or array property, and the string constraints of its values."""
    if "$ref" in node:
        node = {**resolve_pointer(root, node["$ref"]), **node}
    found: set[Any] = {(key, node[key]) for key in CONTAINER_CONSTRAINTS if key in node}
    values = node.get("additionalProperties")
    if isinstance(values, dict):
        found |= {("values", *constraint) for constraint in _constraints(values, root)[0]}
    return found


@pytest.mark.parametrize(("schema_name", "pointer", "model"), MODEL_NODES, ids=NODE_IDS)
def test_container_bounds_match_the_model(
    schema_name: str, pointer: str, model: type[BaseModel]
) -> None:
    """Every size bound of a map or list the model enforces (and of its values), the schema too."""
    ours_root = load_schema(schema_name)
    ours = resolve_pointer(ours_root, pointer)
    theirs_root = model.model_json_schema()
    for name, theirs in theirs_root["properties"].items():
        if theirs.get("type") not in ("object", "array"):
            continue
        expected = _container_constraints(theirs, theirs_root)
        found = _container_constraints(ours["properties"][name], ours_root)
        assert expected <= found, f"{model.__name__}.{name}: schema lacks {expected - found}"


def test_usage_event_constants_match_the_code() -> None:
    schema = load_schema("usage-event")
    assert schema["properties"]["type"]["const"] == USAGE_EVENT_TYPE
    dimensions = schema["$defs"]["usageData"]["properties"]["dimensions"]
    assert dimensions["maxProperties"] == MAX_DIMENSIONS
    model_dimensions = UsageData.model_json_schema()["properties"]["dimensions"]
    ((key_pattern, value_schema),) = model_dimensions["patternProperties"].items()
    assert dimensions["propertyNames"]["pattern"] == key_pattern
    assert dimensions["additionalProperties"]["maxLength"] == value_schema["maxLength"]


@pytest.mark.parametrize("schema_name", ["rated-charge", "budget-alert"])
def test_currencies_are_the_supported_ones(schema_name: str) -> None:
    currency = load_schema(schema_name)["$defs"]["currency"]
    assert sorted(currency["enum"]) == sorted(MINOR_UNITS)


def test_shared_definitions_are_identical_in_every_schema() -> None:
    """Schemas are self-contained for other languages; their copies of shared types must agree."""
    seen: dict[str, tuple[str, Any]] = {}
    for name in ("usage-event", "rated-charge", "budget-alert", "rejected-event"):
        for definition in SHARED_DEFINITIONS:
            body = load_schema(name)["$defs"].get(definition)
            if body is None:
                continue
            first = seen.setdefault(definition, (name, body))
            assert body == first[1], f"$defs/{definition} differs in {name} and {first[0]}"
    assert set(seen) == set(SHARED_DEFINITIONS)


def test_the_price_book_schema_shipped_with_the_terms_package_is_the_contract():
    """Services validate with the package's copy (no source tree needed); readers of the
    contracts see this one: they must be the same file, byte for byte."""
    from terms.adapters.files import schema_text

    assert schema_text() == (SCHEMAS / "pricebook.schema.json").read_text(encoding="utf-8")


def test_the_usage_event_schema_shipped_with_the_shared_library_is_the_contract():
    """Metering's OpenAPI documents its request body with the package's copy (a service
    image has no contracts folder): the same file, byte for byte."""
    from importlib import resources

    shipped = resources.files("chargeback.contracts").joinpath("usage-event.schema.json")
    assert shipped.read_text(encoding="utf-8") == (SCHEMAS / "usage-event.schema.json").read_text(
        encoding="utf-8"
    )
