"""Versions published through one worker reach every other worker through the shared store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rating_fakes import InMemoryPriceBookStorage
from rating_helpers import book_yaml, make_book

from rating.bootstrap import parse
from rating.domain import PriceBookInvalid
from rating.service_layer.pricebooks import PriceBookRegistry

NOW = datetime(2030, 1, 1, tzinfo=UTC)


def registry(storage: InMemoryPriceBookStorage) -> PriceBookRegistry:
    return PriceBookRegistry(storage, [make_book(version="seed")], parse)


async def test_another_worker_sees_a_publication_on_its_next_refresh() -> None:
    storage = InMemoryPriceBookStorage()
    here, there = registry(storage), registry(storage)
    await here.reload()
    await there.reload()
    text = book_yaml(version="2031", effective_from="2031-01-01T00:00:00Z", price="0.01")
    published = await here.publish(text, now=NOW)
    assert (published.generation, published.created) == (1, True)
    assert [b.version for b in there.catalog.versions] == ["seed"]  # not yet asked
    await there.refresh()
    assert [b.version for b in there.catalog.versions] == ["seed", "2031"]
    assert there.generation == 1
    moment = datetime(2031, 6, 1, tzinfo=UTC)
    assert there.catalog.in_force_at(moment).version == "2031"  # the event's own time decides


async def test_a_version_taking_effect_before_now_is_refused() -> None:
    storage = InMemoryPriceBookStorage()
    hub = registry(storage)
    with pytest.raises(PriceBookInvalid) as refused:
        await hub.publish(book_yaml(version="old", effective_from="2029-12-31T23:59:59Z"), now=NOW)
    assert refused.value.problems[0].path == "$.effective_from"
    assert storage.texts == {}


async def test_a_store_holding_a_clashing_version_keeps_the_versions_held() -> None:
    storage = InMemoryPriceBookStorage(texts={"seed": book_yaml(version="seed", price="9")})
    hub = registry(storage)
    with pytest.raises(PriceBookInvalid):
        await hub.reload()
    assert [b.version for b in hub.catalog.versions] == ["seed"]
    assert hub.generation == -1  # not loaded: the worker keeps asking, and refuses to rate
