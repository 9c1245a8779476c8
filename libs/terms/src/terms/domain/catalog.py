"""Every price-book version, and which one was in force at a given moment."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime
from itertools import pairwise

from chargeback.contracts import RatedCharge, UsageEvent
from terms.domain.errors import NoPriceBookInForce, PriceBookInvalid, Problem
from terms.domain.pricebook import PriceBook


class PriceBookCatalog:
    """Versions ordered by `effective_from`; each is in force until the next one starts."""

    def __init__(self, versions: Iterable[PriceBook]) -> None:
        ordered = sorted(versions, key=lambda book: book.effective_from)
        problems = _clashes(ordered)
        if problems:
            raise PriceBookInvalid("catalog", problems)
        self.versions: tuple[PriceBook, ...] = tuple(ordered)
        self._starts = [book.effective_from for book in ordered]

    def in_force_at(self, moment: datetime) -> PriceBook:
        """The latest version whose `effective_from` is not after `moment`."""
        index = bisect_right(self._starts, moment)
        if index == 0:
            earliest = self._starts[0].isoformat() if self._starts else "none loaded"
            raise NoPriceBookInForce(
                f"no price book in force at {moment.isoformat()} (earliest: {earliest})",
                field="time",
            )
        return self.versions[index - 1]

    def effective_until(self, book: PriceBook) -> datetime | None:
        """When the next version takes over from `book` (None: it is the latest)."""
        index = self.versions.index(book)
        following = self.versions[index + 1 : index + 2]
        return following[0].effective_from if following else None

    def rate(self, event: UsageEvent, *, rated_at: datetime) -> RatedCharge:
        """Price an event by the version in force when the usage happened (its own time)."""
        return self.in_force_at(event.time).rate(event, rated_at=rated_at)


def _clashes(ordered: list[PriceBook]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for book in ordered:
        if book.version in seen:
            problems.append(Problem("$.version", f"version {book.version!r} appears twice"))
        seen.add(book.version)
    for earlier, later in pairwise(ordered):
        if earlier.effective_from == later.effective_from:
            problems.append(
                Problem(
                    "$.effective_from",
                    f"versions {earlier.version!r} and {later.version!r} both take effect at "
                    f"{later.effective_from.isoformat()}",
                )
            )
    return problems
