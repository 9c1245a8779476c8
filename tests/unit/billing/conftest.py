"""Builders for billing's unit tests (no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from chargeback.contracts import RatedCharge


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
            "event_time": datetime(2024, 5, 10, 12, tzinfo=UTC),
            "rated_at": datetime(2024, 5, 10, 12, 0, 1, tzinfo=UTC),
        }
        values.update(fields)
        return RatedCharge.model_validate(values)

    return build
