"""One registry of versions: seeded at start, published through any service, seen by all."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rating_fakes import InMemoryPriceBookStorage
from rating_helpers import book_yaml

from terms.adapters.files import parse
from terms.domain import PriceBookInvalid
from terms.service_layer.registry import PriceBookRegistry, PublishConflict

NOW = datetime(2030, 1, 1, tzinfo=UTC)
SEED = book_yaml(version="seed")


async def seeded(storage: InMemoryPriceBookStorage, text: str = SEED) -> PriceBookRegistry:
    registry = PriceBookRegistry(storage, parse)
    await registry.seed([(parse(text, "seed"), text)])
    return registry


async def test_another_service_sees_a_publication_on_its_next_refresh() -> None:
    storage = InMemoryPriceBookStorage()
    here, there = await seeded(storage), await seeded(storage)
    text = book_yaml(version="2031", effective_from="2031-01-01T00:00:00Z", price="0.01")
    published = await here.publish(text, now=NOW)
    assert (published.generation, published.created) == (2, True)
    assert [b.version for b in there.catalog.versions] == ["seed"]  # not yet asked
    catalog = await there.refresh()
    assert [b.version for b in catalog.versions] == ["seed", "2031"]
    assert there.generation == 2
    moment = datetime(2031, 6, 1, tzinfo=UTC)
    assert catalog.in_force_at(moment).version == "2031"  # the event's own time decides


async def test_seeding_again_stores_nothing_and_keeps_the_generation() -> None:
    storage = InMemoryPriceBookStorage()
    await seeded(storage)
    again = await seeded(storage)
    assert storage.counter == 1
    assert [b.version for b in again.catalog.versions] == ["seed"]


async def test_a_version_taking_effect_before_now_is_refused() -> None:
    storage = InMemoryPriceBookStorage()
    hub = PriceBookRegistry(storage, parse)
    with pytest.raises(PriceBookInvalid) as refused:
        await hub.publish(book_yaml(version="old", effective_from="2029-12-31T23:59:59Z"), now=NOW)
    assert refused.value.problems[0].path == "$.effective_from"
    assert storage.texts == {}


async def test_an_edited_seed_under_a_published_version_name_is_refused() -> None:
    storage = InMemoryPriceBookStorage(texts={"seed": book_yaml(version="seed", price="9")})
    with pytest.raises(PublishConflict) as refused:
        await seeded(storage)
    assert refused.value.problems[0].path == "$.version"
    assert "already published with other content" in refused.value.problems[0].reason
    assert storage.texts["seed"] == book_yaml(version="seed", price="9")


async def test_a_seed_cannot_take_effect_before_a_published_version() -> None:
    storage = InMemoryPriceBookStorage()
    hub = await seeded(storage)
    later = book_yaml(version="2031", effective_from="2031-01-01T00:00:00Z")
    await hub.publish(later, now=NOW)
    earlier = book_yaml(version="2030-06", effective_from="2030-06-01T00:00:00Z")
    with pytest.raises(PublishConflict) as refused:
        await hub.seed([(parse(earlier, "seed"), earlier)])
    assert "2031" in refused.value.problems[0].reason
    assert set(storage.texts) == {"seed", "2031"}
