"""JSON Schema documents (the contracts) inside OpenAPI: a body described by the contract
file itself. A schema with `$defs` anywhere in a body becomes a component named by its
`title`, its `$defs` components named `<title>.<def>`, so every `$ref` resolves in the
OpenAPI document and a schema used twice (an event, a batch of events) is there once."""

from __future__ import annotations

from typing import Any

DROPPED = ("$schema", "$id")


def _rewrite(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        out = {k: _rewrite(v, prefix) for k, v in node.items() if k not in DROPPED}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            out["$ref"] = f"#/components/schemas/{prefix}.{ref.removeprefix('#/$defs/')}"
        return out
    if isinstance(node, list):
        return [_rewrite(item, prefix) for item in node]
    return node


def hoist(node: Any, components: dict[str, Any]) -> Any:
    """`node` with every schema that has `$defs` moved into `components` (by `$ref`)."""
    if isinstance(node, list):
        return [hoist(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$defs" not in node:
        return {key: hoist(value, components) for key, value in node.items()}
    name = str(node.get("title", "Schema")).replace(" ", "")
    for def_name, definition in node["$defs"].items():
        components[f"{name}.{def_name}"] = _rewrite(definition, name)
    components[name] = _rewrite({k: v for k, v in node.items() if k != "$defs"}, name)
    return {"$ref": f"#/components/schemas/{name}"}


def hoist_all(document: dict[str, Any]) -> None:
    """Every request and response schema of every operation, hoisted."""
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for path in document.get("paths", {}).values():
        for operation in path.values():
            bodies = [operation.get("requestBody", {})]
            bodies += list(operation.get("responses", {}).values())
            for body in bodies:
                for media in body.get("content", {}).values():
                    if "schema" in media:
                        media["schema"] = hoist(media["schema"], components)


def check_body(body: dict[str, Any], document: object) -> None:
    """A body a route reads itself, held to the schema its OpenAPI states (`body` is the
    `requestBody` given to `openapi_extra`): 422 naming every field at fault otherwise."""
    from jsonschema import Draft202012Validator

    from chargeback.web.errors import ApiError, FieldProblem

    schema = body["content"]["application/json"]["schema"]
    problems = [
        FieldProblem(
            field=".".join(["body", *(str(p) for p in error.absolute_path)]),
            reason=error.message[:300],
        )
        for error in Draft202012Validator(schema).iter_errors(document)
    ]
    if problems:
        raise ApiError(422, f"invalid request: {problems[0].field}: {problems[0].reason}", problems)
