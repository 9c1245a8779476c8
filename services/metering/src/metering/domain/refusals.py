"""What is wrong with a refused event, said precisely enough for the emitter to fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# Bounded so one hostile event cannot make the error answer huge.
MAX_ERRORS_PER_EVENT = 10


@dataclass(frozen=True)
class EventError:
    """One thing wrong with the event at `index` of the request (or record of a batch)."""

    index: int
    id: str | None
    field: str
    reason: str
    kind: str  # a small fixed vocabulary, used as a metric label

    def public(self) -> dict[str, Any]:
        shown = asdict(self)
        del shown["kind"]
        return shown


class InvalidEvents(Exception):
    """At least one event of a request is invalid; nothing of it may be enqueued."""

    def __init__(self, errors: list[EventError]) -> None:
        self.errors = errors
        indexes = sorted({e.index for e in errors})
        super().__init__(f"{len(indexes)} invalid event(s) at index {_listed(indexes)}")

    @property
    def bad_indexes(self) -> list[int]:
        return sorted({e.index for e in self.errors})


def _listed(indexes: list[int], limit: int = 20) -> str:
    shown = ", ".join(str(i) for i in indexes[:limit])
    return shown + (f" and {len(indexes) - limit} more" if len(indexes) > limit else "")


def kind_of(pydantic_type: str) -> str:
    """Collapse pydantic's many error types into the few a metric label may carry."""
    if pydantic_type == "missing":
        return "missing_field"
    if pydantic_type == "extra_forbidden":
        return "unknown_field"
    if pydantic_type.endswith("_type") or pydantic_type in ("model_type", "dict_type"):
        return "wrong_type"
    return "invalid_value"
