"""Which events of a request are new: the pure half of de-duplication.

An event's identity is CloudEvents `source` + `id`. The store is asked to claim
each distinct identity once; what it answers, plus the order of the request,
decides which events go on and which are duplicates (also within one batch).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from chargeback.contracts import UsageEvent


class Claim(enum.Enum):
    CLAIMED = "claimed"  # new: this request now owns it
    SEEN = "seen"  # already ingested within the window
    IN_FLIGHT = "in_flight"  # another request claimed it and has not finished producing


def distinct_keys(events: Sequence[UsageEvent]) -> list[str]:
    """The identities to claim, each once, in first-seen order."""
    return list(dict.fromkeys(event.key for event in events))


@dataclass
class Sorting:
    new: list[UsageEvent] = field(default_factory=list)
    duplicates: list[UsageEvent] = field(default_factory=list)
    in_flight: list[UsageEvent] = field(default_factory=list)

    @property
    def claimed_keys(self) -> list[str]:
        return [event.key for event in self.new]


def sort_claims(events: Sequence[UsageEvent], claims: Mapping[str, Claim]) -> Sorting:
    """New events (first of each claimed identity), duplicates, and those owned elsewhere."""
    sorting = Sorting()
    taken: set[str] = set()
    for event in events:
        claim = claims[event.key]
        if claim is Claim.CLAIMED and event.key not in taken:
            taken.add(event.key)
            sorting.new.append(event)
        elif claim is Claim.IN_FLIGHT:
            sorting.in_flight.append(event)
        else:
            sorting.duplicates.append(event)
    return sorting
