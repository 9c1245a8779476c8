"""Builders for billing's unit tests (no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chargeback.contracts import RatedCharge
from terms.domain import Period


def with_context(values: dict[str, Any]) -> dict[str, Any]:
    """The context rating gives a charge: the period of its time in its zone, unless given."""
    if "period" not in values:
        moment = values["event_time"]
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        values["period"] = str(Period.of(moment, ZoneInfo(values["time_zone"])))
    return values


@pytest.fixture
def rated_charge() -> Callable[..., RatedCharge]:
    def build(event_id: str = "e1", **fields: Any) -> RatedCharge:
        values: dict[str, Any] = {
            "event_id": event_id,
            "event_source": "//cluster/eu-1",
            "customer": "acme",
            "service": "compute",
            "meter": "cpu",
            "unit": "vcpu-hour",
            "quantity": "1",
            "unit_price": "0.004",
            "amount": "0.004",
            "currency": "USD",
            "price_book_version": "2024-05",
            "time_zone": "UTC",
            "cost_center": None,
            "event_time": datetime(2024, 5, 10, 12, tzinfo=UTC),
            "rated_at": datetime(2024, 5, 10, 12, 0, 1, tzinfo=UTC),
        }
        values.update(fields)
        return RatedCharge.model_validate(with_context(values))

    return build
