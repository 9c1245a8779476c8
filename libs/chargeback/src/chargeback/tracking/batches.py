"""What the tracking consumer hands a handler, what it answers, and the one fence rule.

A `PartitionBatch` is a run of one partition's records with its bounds: `first` is
where the consumer fetched from (records in between, if any, do not exist in the log:
compaction, retention), `next` the offset after its last record. An empty batch moves
the position alone (a quarantined record is passed that way).

The fence: a store applies a batch only if the position it holds for the partition is
absent (nothing applied yet) or equals the batch's `first`, in the same atomic write
as the state the batch changes, which then stores `next`. Anything else is a replay or
a zombie (stored beyond `first`) or a gap (stored before it): the batch changes
nothing and the consumer resumes from the stored position. SQL stores call `admits`
inside their transaction; Redis stores run `FENCE_LUA` at the top of their script.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord


def admits(stored: int | None, first: int) -> bool:
    """The fence: may a batch starting at `first` be applied over position `stored`?"""
    return stored is None or stored == first


# Lua prelude: `local stored = fenced(positions_key, field, first)`; a non-nil answer is
# the stored position that refuses the batch. Offsets travel as decimal strings.
FENCE_LUA = """
local function fenced(positions, field, first)
  local stored = redis.call('HGET', positions, field)
  if stored and stored ~= first then return stored end
  return nil
end
"""


@dataclass(frozen=True, slots=True)
class PartitionBatch:
    tp: TopicPartition
    first: int
    next: int
    records: Sequence[ConsumerRecord]

    def split(self) -> tuple[PartitionBatch, PartitionBatch]:
        """Two halves, the second starting where the first ends."""
        middle = len(self.records) // 2
        left = PartitionBatch(
            self.tp, self.first, self.records[middle - 1].offset + 1, self.records[:middle]
        )
        return left, PartitionBatch(self.tp, left.next, self.next, self.records[middle:])

    def moved_past(self) -> PartitionBatch:
        """The same bounds with no records: applying it only moves the position."""
        return PartitionBatch(self.tp, self.first, self.next, ())


@dataclass(frozen=True, slots=True)
class Applied:
    """The batch's state and position are stored."""


@dataclass(frozen=True, slots=True)
class Fenced:
    """The store holds another position (a replay, a zombie, a gap): resume there."""

    stored: int


@dataclass(frozen=True, slots=True)
class Conflict:
    """State the batch was computed from changed meanwhile: fetch it again and redo it now."""

    reason: str


@dataclass(frozen=True, slots=True)
class Failed:
    """This partition's batch failed (the others of the call may have been applied)."""

    error: Exception


Outcome = Applied | Fenced | Conflict | Failed
APPLIED = Applied()


class Poisoned(Exception):
    """Raised by a stage for a record it can tell will never be processed (unreadable):
    the consumer applies the records before it, quarantines it at once, and goes on."""

    def __init__(self, tp: TopicPartition, offset: int, cause: Exception) -> None:
        super().__init__(f"{tp.topic}[{tp.partition}] offset {offset}: {cause}")
        self.tp, self.offset, self.cause = tp, offset, cause


class Tracked(Protocol):
    """A consumer's state: where each partition stands, and applying batches behind the fence.

    `apply` makes one attempt (never a loop inside): it answers per partition (one left
    out was applied), or raises for the whole call. A store that does not answer raises;
    the consumer's failure policy decides what follows.
    """

    async def positions(
        self, partitions: Sequence[TopicPartition]
    ) -> Mapping[TopicPartition, int]: ...

    async def apply(
        self, batches: Sequence[PartitionBatch]
    ) -> Mapping[TopicPartition, Outcome]: ...
