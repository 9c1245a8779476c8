"""A budget alert: a threshold of a budget crossed, on actual or forecast spend, in one period."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chargeback.contracts.types import (
    Currency,
    ExactDecimal,
    Identifier,
    UtcDateTime,
    check_currency,
)


class BudgetAlert(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    alert_id: Annotated[str, Field(min_length=1, max_length=128)]
    budget_id: Identifier
    period: Annotated[str, Field(min_length=1, max_length=32)]
    basis: Literal["actual", "forecast"]
    threshold_percent: ExactDecimal
    budget_amount: ExactDecimal
    spent: ExactDecimal
    currency: Currency
    scope: Annotated[dict[str, Annotated[str, Field(max_length=256)]], Field(max_length=8)] = Field(
        default_factory=dict
    )
    triggered_by_event_id: Annotated[str, Field(max_length=256)] | None = None
    raised_at: UtcDateTime

    _currency = field_validator("currency")(check_currency)

    @property
    def crossing_order(self) -> tuple[datetime, Decimal, str]:
        """Sort key: when it was crossed; of one instant's jump, the lower threshold first."""
        return (self.raised_at, self.threshold_percent, self.basis)
