"""A rated charge: one usage event priced, with everything that explains its amount."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chargeback.contracts.types import (
    Currency,
    ExactDecimal,
    Identifier,
    UtcDateTime,
    check_currency,
)


class RuleEffect(BaseModel):
    """One step of the price: which rule, and what it did to the amount."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: Annotated[str, Field(min_length=1, max_length=128)]
    detail: Annotated[str, Field(max_length=512)] = ""
    amount_delta: ExactDecimal


class RatedCharge(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: Annotated[str, Field(min_length=1, max_length=256)]
    event_source: Annotated[str, Field(min_length=1, max_length=512)]
    customer: Identifier
    service: Identifier
    meter: Identifier
    unit: Annotated[str, Field(min_length=1, max_length=64)]
    quantity: ExactDecimal
    unit_price: ExactDecimal
    amount: ExactDecimal
    currency: Currency
    price_book_version: Annotated[str, Field(min_length=1, max_length=64)]
    # The context the charge was made in: downstream uses it and never recomputes it.
    period: Annotated[str, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]  # billing period
    time_zone: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_+/-]{0,63}$")]  # cut it
    cost_center: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    # The cost centre and its ancestors in the terms' tree, most specific first (empty:
    # no cost centre): budgets and spend at any node count the charges naming it here.
    cost_center_path: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=128)]], Field(max_length=16)
    ] = Field(default_factory=list)
    committed_quantity: ExactDecimal | None = None  # the meter's commitment a period
    event_time: UtcDateTime
    ingested_at: UtcDateTime | None = None
    rated_at: UtcDateTime
    dimensions: Annotated[
        dict[str, Annotated[str, Field(max_length=256)]], Field(max_length=32)
    ] = Field(default_factory=dict)
    breakdown: Annotated[list[RuleEffect], Field(max_length=32)] = Field(default_factory=list)

    _currency = field_validator("currency")(check_currency)

    @property
    def event_key(self) -> str:
        return f"{self.event_source} {self.event_id}"
