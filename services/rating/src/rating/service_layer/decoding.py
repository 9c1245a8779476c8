"""Raw `usage.events` records decoded into usage events, or into what was wrong with them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from chargeback import codec
from chargeback.contracts import UsageEvent
from chargeback.contracts.rejections import FieldError


class EmptyRecord(ValueError):
    """A record with no value (a tombstone): nothing to rate."""


@dataclass(frozen=True, slots=True)
class Undecodable:
    errors: list[FieldError]
    payload: Any


Decoded = UsageEvent | Undecodable


def decode_records(values: Sequence[bytes | None]) -> list[Decoded]:
    decoded: list[Decoded] = []
    for raw in values:
        try:
            if not raw:
                raise EmptyRecord
            decoded.append(codec.decode(UsageEvent, raw))
        except ValueError as error:  # bad JSON, or pydantic's ValidationError (a ValueError)
            decoded.append(Undecodable(_decode_errors(error), codec.readable(raw)))
    return decoded


def _decode_errors(error: ValueError) -> list[FieldError]:
    if isinstance(error, EmptyRecord):
        return [FieldError(field="$", reason="empty record: no value")]
    if isinstance(error, ValidationError):
        return [
            FieldError(field=".".join(str(part) for part in item["loc"]) or "$", reason=item["msg"])
            for item in error.errors()
        ]
    return [FieldError(field="$", reason=f"not JSON: {error}")]
