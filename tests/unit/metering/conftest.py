"""Fixtures of metering's unit tests: the in-memory fakes of its ports."""

from __future__ import annotations

import pytest
from metering_fakes import FakeDedupStore, FakePublisher


@pytest.fixture
def store() -> FakeDedupStore:
    return FakeDedupStore()


@pytest.fixture
def publisher() -> FakePublisher:
    return FakePublisher()
