"""Metering's settings: the window of accepted event times and its bounds."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from metering.settings import MeteringSettings


def test_the_default_window_is_35_days_back_and_5_minutes_ahead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("METERING_MAX_EVENT_AGE_DAYS", raising=False)
    monkeypatch.delenv("METERING_MAX_EVENT_LEAD_S", raising=False)
    settings = MeteringSettings()
    assert (settings.max_event_age_days, settings.max_event_lead_s) == (35, 300)


def test_the_window_is_read_from_metering_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METERING_MAX_EVENT_AGE_DAYS", "40")
    monkeypatch.setenv("METERING_MAX_EVENT_LEAD_S", "0")
    settings = MeteringSettings()
    assert (settings.max_event_age_days, settings.max_event_lead_s) == (40, 0)


@pytest.mark.parametrize(
    "changes",
    [
        # Older than the 40 days rating and the budget monitor remember charged ids.
        {"max_event_age_days": 41},
        {"max_event_age_days": 0},
        {"max_event_lead_s": -1},
        {"max_event_lead_s": 3601},
    ],
)
def test_a_window_beyond_its_bounds_is_refused(changes: dict[str, int]) -> None:
    with pytest.raises(ValidationError):
        MeteringSettings(**changes)  # type: ignore[arg-type]
