"""A refused event and the reason, published to `usage.rejected`.

Metering refuses events at the door, rating rejects those it cannot price, and any
stage quarantines a record it could not process after bounded tries (reason
`unprocessable`, with the exception class and where the record was): the dead letters
of the whole platform are in this one topic.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from chargeback.contracts.types import UtcDateTime


class FieldError(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    reason: str


class Origin(BaseModel):
    """Where a quarantined record was."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topic: Annotated[str, Field(min_length=1, max_length=249)]
    partition: Annotated[int, Field(ge=0)]
    offset: Annotated[int, Field(ge=0)]


class RejectedEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: Annotated[str, Field(pattern=r"^(metering|rating|billing|budget-monitor)$")]
    reason: Annotated[str, Field(min_length=1, max_length=64)]
    errors: list[FieldError] = Field(default_factory=list)
    event_id: Annotated[str, Field(max_length=256)] | None = None
    event_source: Annotated[str, Field(max_length=512)] | None = None
    rejected_at: UtcDateTime
    # What arrived, as far as it could be read (bounded by the ingestion limits).
    payload: Any = None
    # Quarantined records only: the exception class that stopped the stage, and the record.
    exception: Annotated[str, Field(max_length=128)] | None = None
    origin: Origin | None = None
