"""The price-book versions in force, as every service reads them: one registry, in Redis.

Publishing stores a version's text durably and bumps a generation counter. Readers
(rating with every batch, billing and the budget monitor before they use terms) compare
the generation with the one they hold and reload when it moved: a version published
through the API is in force everywhere without a restart. A version may not take effect
before the moment it is published (the past stays priced as it was; re-rating a past
period is what `what-if` is for), and one already published is never changed.

Seed versions (the files a service is started with) are published at start if absent;
they may take effect in the past, but never before a version already stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from terms.domain import PriceBook, PriceBookCatalog, PriceBookInvalid, Problem

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
    def __init__(self, storage: PriceBookStorage, parse: Parse) -> None:
        self.storage = storage
        self.parse = parse
        self._catalog = PriceBookCatalog(())
        self._generation = -1  # not loaded yet: the first refresh loads
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
        """Every stored version; a clash raises and keeps the versions held so far."""
        generation, texts = await self.storage.load()
        books = [self._book(version, text) for version, text in sorted(texts.items())]
        self._catalog = PriceBookCatalog(books)
        self._generation = generation

    async def refresh(self) -> PriceBookCatalog:
        """The versions in force now, reloaded if a publication happened since the last look."""
        if await self.storage.generation() != self._generation:
            await self.reload()
        return self._catalog

    async def seed(self, versions: Sequence[tuple[PriceBook, str]]) -> list[str]:
        """Publish the seed versions not stored yet; the ones this call stored."""
        stored = []
        for book, text in sorted(versions, key=lambda pair: pair[0].effective_from):
            await self.refresh()
            versions = self._catalog.versions
            if book.version not in {known.version for known in versions}:
                later = [v for v in versions if v.effective_from > book.effective_from]
                if later:
                    reason = (
                        f"seed version {book.version!r} would take effect before version "
                        f"{later[0].version!r}, which is already published: publish a new "
                        "version from now on instead"
                    )
                    raise PublishConflict("seed", [Problem("$.effective_from", reason)])
            published = await self._store(book, text, source="seed")
            if published.created:
                stored.append(book.version)
        return stored

    async def publish(self, text: str, *, now: datetime) -> Published:
        book = self.parse(text, "request")  # PriceBookInvalid lists every problem
        await self.refresh()
        known = {held.version for held in self._catalog.versions}
        if book.version not in known and book.effective_from < now:
            reason = (
                f"takes effect before now ({now.isoformat()}): a version cannot change the "
                "past (re-rate a past period with what-if)"
            )
            raise PriceBookInvalid("request", [Problem("$.effective_from", reason)])
        return await self._store(book, text, source="request")

    async def _store(self, book: PriceBook, text: str, *, source: str) -> Published:
        if book.version not in {held.version for held in self._catalog.versions}:
            try:
                PriceBookCatalog([*self._catalog.versions, book])
            except PriceBookInvalid as clash:
                raise PublishConflict(source, clash.problems) from None
        status, generation = await self.storage.put(book, text)
        if status == "version_taken":
            reason = f"version {book.version!r} is already published with other content"
            raise PublishConflict(source, [Problem("$.version", reason)])
        if status == "start_taken":
            reason = f"another version already takes effect at {book.effective_from.isoformat()}"
            raise PublishConflict(source, [Problem("$.effective_from", reason)])
        await self.reload()
        return Published(book, generation, created=status == "published")
