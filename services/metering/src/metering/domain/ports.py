"""What metering needs from the outside world, as small abstract classes (fakes in tests)."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from chargeback.contracts import RejectedEvent, UsageEvent
from metering.domain.dedup import Claim


class StoreUnavailable(Exception):
    """The de-duplication store did not answer."""


class DedupStore(abc.ABC):
    """Remembers which event identities were ingested, for a window of time."""

    @abc.abstractmethod
    async def claim(self, keys: Sequence[str], *, owner: str, hold_s: int) -> dict[str, Claim]:
        """Claim each key not yet known, for `owner`, provisionally for `hold_s` seconds.

        Raises `StoreUnavailable` (as do the other methods) when the store does not answer.
        """

    @abc.abstractmethod
    async def confirm(self, keys: Sequence[str], *, window_s: int) -> None:
        """The claimed events are on the log: remember them for the whole window."""

    @abc.abstractmethod
    async def release(self, keys: Sequence[str], *, owner: str) -> None:
        """Forget the keys `owner` claimed (their events never reached the log)."""

    @abc.abstractmethod
    async def ping(self) -> bool:
        """Whether the store answers."""


class PublishError(Exception):
    """The broker did not acknowledge every record."""


class EventPublisher(abc.ABC):
    """Puts records on the log and returns only once the broker acknowledged all of them."""

    @abc.abstractmethod
    async def publish_events(self, events: Sequence[UsageEvent]) -> None:
        """Accepted events to `usage.events`, keyed by customer. Raises `PublishError`."""

    @abc.abstractmethod
    async def publish_rejections(self, rejections: Sequence[RejectedEvent]) -> None:
        """Refused events to `usage.rejected`. Raises `PublishError`."""
