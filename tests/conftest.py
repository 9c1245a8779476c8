"""Fixtures for tests that need real parts. Each starts what it needs itself: the embedded
broker and Redis, or, under `make test-containers` (CHARGEBACK_TEST_CONTAINERS=1), Apache
Kafka, Redis and PostgreSQL containers (tests/container_parts.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import container_parts
import pytest

from chargeback_cli.embedded import EmbeddedBroker, EmbeddedRedis

REPO = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `make test-containers` without a Docker engine: every test skipped, saying why."""
    reason = container_parts.docker_absent() if container_parts.ENABLED else None
    if reason:
        for item in items:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def kafka_container() -> Iterator[container_parts.RunningKafka]:
    with container_parts.apache_kafka() as running:
        yield running


@pytest.fixture
def broker(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh Kafka-protocol broker per test (fresh topics, fresh groups): the embedded one
    (Tansu), or the session's Apache Kafka container emptied for this test."""
    if container_parts.ENABLED:
        kafka = request.getfixturevalue("kafka_container")
        container_parts.reset_kafka(kafka.bootstrap_servers)
        yield kafka
        return
    with EmbeddedBroker(log_path=tmp_path / "broker.log") as running:
        yield running


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    if container_parts.ENABLED:
        with container_parts.redis_container() as container:
            yield container
        return
    with EmbeddedRedis(log_path=tmp_path_factory.mktemp("redis") / "redis.log") as running:
        yield running


@pytest.fixture
def redis_url(redis_server: EmbeddedRedis) -> str:  # or a Redis container
    """A real Redis, emptied before each test."""
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url


def postgres_reachable(url: str = POSTGRES_URL) -> str | None:
    """None when PostgreSQL answers at `url`, else why not."""
    import sqlalchemy

    try:
        engine = sqlalchemy.create_engine(url)
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"no PostgreSQL at {url} ({type(exc).__name__}); set TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The PostgreSQL the ledger tests use: TEST_POSTGRES_URL, or a container."""
    if container_parts.ENABLED:
        with container_parts.postgres_container() as url:
            yield url
        return
    yield POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on a SQLite file and on PostgreSQL (a fresh schema each time)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    server = request.getfixturevalue("postgres_url")
    reason = postgres_reachable(server)
    if reason:
        pytest.skip(reason)
    import uuid

    import sqlalchemy

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sqlalchemy.create_engine(server)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()

    def drop() -> None:
        engine = sqlalchemy.create_engine(server)
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

    request.addfinalizer(drop)
    sep = "&" if "?" in server else "?"
    return f"{server}{sep}options=-csearch_path%3D{schema}"
