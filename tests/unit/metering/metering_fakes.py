"""Fakes for metering's ports (in memory, no I/O), a fixed clock and a sample event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from chargeback.contracts import RejectedEvent, UsageEvent
from metering.domain.dedup import Claim
from metering.domain.ports import DedupStore, EventPublisher, PublishError
from metering.domain.time_bounds import TimeBounds

# When the events of these tests arrive (a fixed clock: they pass whatever the date),
# and the window metering accepts around it by default.
NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)
BOUNDS = TimeBounds(max_age=timedelta(days=35), max_lead=timedelta(minutes=5))


def fixed_clock() -> datetime:
    return NOW


def written(moment: datetime) -> str:
    """A time as an emitter writes it (RFC 3339, UTC)."""
    return moment.isoformat().replace("+00:00", "Z")


class FakeDedupStore(DedupStore):
    def __init__(self) -> None:
        self.held: dict[str, str] = {}  # key -> owner (pending) or "done"
        self.windows: dict[str, int] = {}
        self.released: list[str] = []

    async def claim(self, keys: Sequence[str], *, owner: str, hold_s: int) -> dict[str, Claim]:
        claims = {}
        for key in keys:
            if key not in self.held:
                self.held[key] = owner
                claims[key] = Claim.CLAIMED
            else:
                claims[key] = Claim.SEEN if self.held[key] == "done" else Claim.IN_FLIGHT
        return claims

    async def confirm(self, keys: Sequence[str], *, window_s: int) -> None:
        for key in keys:
            self.held[key] = "done"
            self.windows[key] = window_s

    async def release(self, keys: Sequence[str], *, owner: str) -> None:
        for key in keys:
            if self.held.get(key) == owner:
                del self.held[key]
                self.released.append(key)

    async def ping(self) -> bool:
        return True


class FakePublisher(EventPublisher):
    def __init__(self) -> None:
        self.events: list[UsageEvent] = []
        self.rejections: list[RejectedEvent] = []
        self.fail = False

    async def publish_events(self, events: Sequence[UsageEvent]) -> None:
        if self.fail:
            raise PublishError("usage.events: broker unavailable")
        self.events.extend(events)

    async def publish_rejections(self, rejections: Sequence[RejectedEvent]) -> None:
        if self.fail:
            raise PublishError("usage.rejected: broker unavailable")
        self.rejections.extend(rejections)


def raw_event(number: int = 1, **changes: Any) -> dict[str, Any]:
    """A valid usage event as an emitter sends it (JSON-decoded), two hours before `NOW`."""
    event: dict[str, Any] = {
        "specversion": "1.0",
        "id": f"evt-{number}",
        "source": "src-a",
        "type": "dev.chargeback.usage.v1",
        "subject": "acme",
        "time": written(NOW - timedelta(hours=2)),
        "data": {"service": "compute", "meter": "cpu-hours", "quantity": "1.5"},
    }
    event.update(changes)
    return event
