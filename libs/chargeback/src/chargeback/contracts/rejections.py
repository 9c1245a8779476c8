"""A refused usage event and the reason, published to `usage.rejected`."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from chargeback.contracts.types import UtcDateTime


class FieldError(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    reason: str


class RejectedEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: Annotated[str, Field(pattern=r"^(metering|rating)$")]
    reason: Annotated[str, Field(min_length=1, max_length=64)]
    errors: list[FieldError] = Field(default_factory=list)
    event_id: Annotated[str, Field(max_length=256)] | None = None
    event_source: Annotated[str, Field(max_length=512)] | None = None
    rejected_at: UtcDateTime
    # What arrived, as far as it could be read (bounded by the ingestion limits).
    payload: Any = None
