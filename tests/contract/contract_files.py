"""Shared helpers of the contract tests: where the contracts are, and loading them.

A plain module (not conftest.py) so tests import it by a name no other folder uses.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

REPO = Path(__file__).resolve().parents[2]
CONTRACTS = REPO / "contracts"
SCHEMAS = CONTRACTS / "schemas"
DEPLOY = REPO / "deploy"


def load_schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text())


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(
        load_schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The node a JSON pointer (`#/a/b`, `/a/b` or ``) names in `document`; KeyError if none."""
    node = document
    for raw in pointer.lstrip("#").split("/")[1:] if pointer.strip("#") else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def refs(node: Any) -> list[str]:
    """Every `$ref` value anywhere in a JSON/YAML document."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.append(value)
            else:
                found.extend(refs(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(refs(item))
    return found


def schema_files() -> list[Path]:
    files = sorted(SCHEMAS.glob("*.schema.json"))
    assert files, f"no schemas in {SCHEMAS}"
    return files
