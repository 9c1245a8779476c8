"""What the rating use case needs from the outside world, as small interfaces (fakes in tests)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Protocol

from rating.service_layer.rate_records import Outgoing
from terms.domain import PriceBookCatalog, UsageKey


@dataclass(frozen=True)
class Snapshot:
    """State read atomically: per-partition next offsets, tier totals, identities charged."""

    offsets: Mapping[int, int]  # partition -> next offset to apply (absent: nothing applied)
    generation: int  # price-book generation (bumped by every publication)
    usage: Mapping[UsageKey, Decimal]
    seen: frozenset[str]


@dataclass(frozen=True)
class PartitionCommit:
    partition: int
    first_offset: int  # the fence: applied only if the stored next offset is this one
    next_offset: int
    usage: Mapping[UsageKey, Decimal] = field(default_factory=dict)  # new totals
    charged: Sequence[str] = ()  # identities charged by this batch


class Committed(Enum):
    APPLIED = "applied"
    FENCED = "fenced"  # the stored offset moved on (another worker, or a replay)
    STALE = "stale"  # an identity was charged meanwhile through another partition


@dataclass(frozen=True)
class CommitResult:
    outcome: Committed
    stored_offset: int | None = None


class RatingStore(Protocol):
    async def snapshot(
        self, partitions: Sequence[int], usage: set[UsageKey], identities: set[str]
    ) -> Snapshot: ...

    async def commit(self, commits: Sequence[PartitionCommit]) -> dict[int, CommitResult]: ...

    async def positions(self, partitions: Sequence[int]) -> dict[int, int]: ...


class UsageReader(Protocol):
    async def used_in_period(self, customer: str, period: str) -> dict[tuple[str, str], Decimal]:
        """Units used per (service, meter) by a customer in a billing period."""


class Publisher(Protocol):
    async def publish(self, messages: Sequence[Outgoing]) -> None:
        """Returns once the broker acknowledged every message; raises otherwise."""


class Catalogs(Protocol):
    """The price-book versions in force, as of a publication generation."""

    @property
    def catalog(self) -> PriceBookCatalog: ...

    @property
    def generation(self) -> int: ...

    async def reload(self) -> None: ...
