"""In-memory stand-ins for rating's ports: the same rules as Redis and Kafka, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from rating.service_layer.ports import CommitResult, Committed, PartitionCommit, Snapshot
from rating.service_layer.rate_records import Outgoing
from terms.domain import PriceBook, PriceBookCatalog, UsageKey


@dataclass(frozen=True)
class Record:
    offset: int
    value: bytes | None


@dataclass
class InMemoryRatingStore:
    """The fence of `commit_partition.lua`: applied only where the stored offset is the first."""

    offsets: dict[int, int] = field(default_factory=dict)
    usage: dict[UsageKey, Decimal] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    generation: int = 0
    commits: list[PartitionCommit] = field(default_factory=list)

    async def snapshot(
        self, partitions: Sequence[int], usage: set[UsageKey], identities: set[str]
    ) -> Snapshot:
        return Snapshot(
            {p: self.offsets[p] for p in partitions if p in self.offsets},
            self.generation,
            {key: self.usage[key] for key in usage if key in self.usage},
            frozenset(identities & self.seen),
        )

    async def commit(self, commits: Sequence[PartitionCommit]) -> dict[int, CommitResult]:
        results = {}
        for commit in commits:
            stored = self.offsets.get(commit.partition)
            if stored is not None and stored != commit.first_offset:
                results[commit.partition] = CommitResult(Committed.FENCED, stored)
            elif set(commit.charged) & self.seen:
                results[commit.partition] = CommitResult(Committed.STALE)
            else:
                self.usage.update(commit.usage)
                self.seen.update(commit.charged)
                self.offsets[commit.partition] = commit.next_offset
                self.commits.append(commit)
                results[commit.partition] = CommitResult(Committed.APPLIED)
        return results

    async def positions(self, partitions: Sequence[int]) -> dict[int, int]:
        return {p: self.offsets[p] for p in partitions if p in self.offsets}


@dataclass
class RecordingPublisher:
    sent: list[Outgoing] = field(default_factory=list)
    failing: bool = False

    async def publish(self, messages: Sequence[Outgoing]) -> None:
        if self.failing:
            raise ConnectionError("broker away")
        self.sent.extend(messages)


@dataclass
class FixedCatalogs:
    """Versions that never change; `reload` only counts (and catches up a generation)."""

    catalog: PriceBookCatalog
    generation: int = 0
    reloads: int = 0
    store: InMemoryRatingStore | None = None

    async def reload(self) -> None:
        self.reloads += 1
        if self.store is not None:
            self.generation = self.store.generation


@dataclass
class InMemoryPriceBookStorage:
    """The publish script's rules: a version name and a start time are each taken once."""

    texts: dict[str, str] = field(default_factory=dict)
    starts: dict[str, str] = field(default_factory=dict)
    counter: int = 0

    async def generation(self) -> int:
        return self.counter

    async def load(self) -> tuple[int, dict[str, str]]:
        return self.counter, dict(self.texts)

    async def put(self, book: PriceBook, text: str) -> tuple[str, int]:
        if book.version in self.texts:
            same = self.texts[book.version] == text
            return ("same", self.counter) if same else ("version_taken", 0)
        start = book.effective_from.isoformat()
        if start in self.starts:
            return "start_taken", 0
        self.texts[book.version], self.starts[start] = text, book.version
        self.counter += 1
        return "published", self.counter
