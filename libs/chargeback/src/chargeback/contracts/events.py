"""The usage event: a CloudEvents 1.0 envelope whose `data` is one measurement."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chargeback.contracts.types import ExactDecimal, Identifier, UtcDateTime

USAGE_EVENT_TYPE = "dev.chargeback.usage.v1"
MAX_DIMENSIONS = 32

DimensionKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
DimensionValue = Annotated[str, Field(max_length=256)]


class UsageData(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    service: Identifier
    meter: Identifier
    quantity: ExactDecimal
    dimensions: dict[DimensionKey, DimensionValue] = Field(default_factory=dict)

    @field_validator("quantity")
    @classmethod
    def _non_negative(cls, value: object) -> object:
        from decimal import Decimal

        assert isinstance(value, Decimal)
        if value < 0:
            raise ValueError("quantity must not be negative")
        return value

    @field_validator("dimensions")
    @classmethod
    def _bounded(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) > MAX_DIMENSIONS:
            raise ValueError(f"at most {MAX_DIMENSIONS} dimensions")
        return value


class UsageEvent(BaseModel):
    """One usage measurement. `source` + `id` identify it; `subject` is the customer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    specversion: Literal["1.0"]
    id: Annotated[str, Field(min_length=1, max_length=256)]
    source: Annotated[str, Field(min_length=1, max_length=512, pattern=r"^\S+$")]
    type: Literal["dev.chargeback.usage.v1"]
    subject: Identifier
    time: UtcDateTime
    datacontenttype: Literal["application/json"] | None = None
    dataschema: Annotated[str, Field(max_length=512)] | None = None
    data: UsageData
    # Set by metering on acceptance; whatever an emitter sends here is overwritten.
    ingesttime: UtcDateTime | None = None

    @property
    def customer(self) -> str:
        return self.subject

    @property
    def key(self) -> str:
        """The identity under which the event is charged once."""
        return f"{self.source} {self.id}"
