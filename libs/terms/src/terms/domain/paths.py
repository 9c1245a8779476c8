"""JSON paths as the price-book problems name them (as jsonschema writes them)."""

from __future__ import annotations

import re

PLAIN_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9_]*")


def child(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if PLAIN_NAME.fullmatch(name) else f"{path}[{name!r}]"
