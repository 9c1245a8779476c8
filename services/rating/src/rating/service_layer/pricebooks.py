"""Price-book versions in force: the seed files given at start, plus every version published.

Publishing stores the version's text durably and bumps a generation counter. Every
worker reads the generation in the same atomic snapshot as the state of each batch it
rates, and reloads the versions when it moved, so no batch is rated after a publication
with the versions from before it: no restart, no gap. A version may not take effect
before the moment it is published (the past stays priced as it was; re-rating a past
period is what `what-if` is for), and one already published is never changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from rating.domain import PriceBook, PriceBookCatalog, PriceBookInvalid, Problem

Parse = Callable[[str, str], PriceBook]  # (text, source) -> book, or PriceBookInvalid


class PriceBookStorage(Protocol):
    async def generation(self) -> int: ...

    async def load(self) -> tuple[int, dict[str, str]]:
        """(generation, version -> text), read atomically."""

    async def put(self, book: PriceBook, text: str) -> tuple[str, int]:
        """Store a version unless taken: ("published" | "same" | "version_taken" |
        "start_taken", generation)."""


class PublishConflict(PriceBookInvalid):
    """A valid document that clashes with a version already in force or published."""


@dataclass(frozen=True)
class Published:
    book: PriceBook
    generation: int
    created: bool  # False: this very version was published before (idempotent)


class PriceBookRegistry:
    def __init__(self, storage: PriceBookStorage, seed: Sequence[PriceBook], parse: Parse) -> None:
        self.storage = storage
        self.seed = tuple(seed)
        self.parse = parse
        self._catalog = PriceBookCatalog(self.seed)
        self._generation = -1  # not loaded yet: the first snapshot makes the worker load
        self._parsed: dict[str, PriceBook] = {}

    @property
    def catalog(self) -> PriceBookCatalog:
        return self._catalog

    @property
    def generation(self) -> int:
        return self._generation

    def _book(self, version: str, text: str) -> PriceBook:
        if text not in self._parsed:
            self._parsed[text] = self.parse(text, f"published version {version}")
        return self._parsed[text]

    async def reload(self) -> None:
        """Seed + published versions; a clash raises and keeps the versions held so far."""
        generation, texts = await self.storage.load()
        books = [self._book(version, text) for version, text in sorted(texts.items())]
        self._catalog = PriceBookCatalog([*self.seed, *books])
        self._generation = generation

    async def refresh(self) -> None:
        if await self.storage.generation() != self._generation:
            await self.reload()

    async def publish(self, text: str, *, now: datetime) -> Published:
        book = self.parse(text, "request")  # PriceBookInvalid lists every problem
        await self.refresh()
        known = {held.version: held for held in self._catalog.versions}
        if book.version not in known and book.effective_from < now:
            reason = (
                f"takes effect before now ({now.isoformat()}): a version cannot change the "
                "past (re-rate a past period with what-if)"
            )
            raise PriceBookInvalid("request", [Problem("$.effective_from", reason)])
        if book.version in {seeded.version for seeded in self.seed}:
            reason = f"version {book.version!r} is a seed file of the running workers"
            raise PublishConflict("request", [Problem("$.version", reason)])
        if book.version not in known:
            try:
                PriceBookCatalog([*self._catalog.versions, book])
            except PriceBookInvalid as clash:
                raise PublishConflict("request", clash.problems) from None
        status, generation = await self.storage.put(book, text)
        if status == "version_taken":
            reason = f"version {book.version!r} is already published with other content"
            raise PublishConflict("request", [Problem("$.version", reason)])
        if status == "start_taken":
            reason = f"another version already takes effect at {book.effective_from.isoformat()}"
            raise PublishConflict("request", [Problem("$.effective_from", reason)])
        await self.reload()
        return Published(book, generation, created=status == "published")
