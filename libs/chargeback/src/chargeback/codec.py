"""JSON on the wire: numbers are read as Decimal so no amount ever passes through float."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
# A rejection carries what arrived within this much, well inside Kafka's message limit.
MAX_PAYLOAD_BYTES = 65536


def loads(raw: bytes | str) -> Any:
    return json.loads(raw, parse_float=Decimal)


def dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), default=_default).encode()


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def encode(model: BaseModel) -> bytes:
    return model.model_dump_json(exclude_none=True).encode()


def decode(model: type[M], raw: bytes | str) -> M:
    return model.model_validate(loads(raw))


def readable(raw: bytes | None) -> Any:
    """What a record carried, for a rejection: JSON where it is (small) JSON, else text."""
    if raw is None:
        return None
    if len(raw) <= MAX_PAYLOAD_BYTES:
        try:
            return loads(raw)
        except ValueError:
            pass
    return raw[:MAX_PAYLOAD_BYTES].decode("utf-8", errors="replace")
