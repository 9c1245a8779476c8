"""Apache Kafka, Redis and PostgreSQL in containers (testcontainers), for
`make test-containers`: the integration suite on the real parts production runs, instead
of the embedded ones. Needs a Docker engine; without one the suite is skipped, saying so.

One container of each per session; before each test its topics and consumer groups are
deleted (a fresh broker, as the embedded fixture gives), Redis is flushed and each test
gets a schema of its own in PostgreSQL (as on the CI PostgreSQL).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

ENABLED = os.environ.get("CHARGEBACK_TEST_CONTAINERS") == "1"
KAFKA_IMAGE = "apache/kafka:3.9.0"
REDIS_IMAGE = "redis:7-alpine"
POSTGRES_IMAGE = "postgres:16-alpine"


def docker_absent() -> str | None:
    """None when a Docker engine answers, else why the container suite cannot run."""
    try:
        import docker

        docker.from_env().ping()
    except Exception as exc:
        return f"no Docker engine answers ({type(exc).__name__}); make test-containers needs one"
    return None


@dataclass(frozen=True)
class RunningKafka:
    bootstrap_servers: str


@dataclass(frozen=True)
class RunningRedis:
    url: str


@contextmanager
def apache_kafka() -> Iterator[RunningKafka]:
    """Apache Kafka in KRaft mode, one node, advertised on a fixed local port."""
    from testcontainers.core.container import DockerContainer

    from chargeback_cli.embedded import free_port

    port = free_port()
    container = (
        DockerContainer(KAFKA_IMAGE)
        .with_bind_ports(9092, port)
        .with_env("KAFKA_NODE_ID", "1")
        .with_env("KAFKA_PROCESS_ROLES", "broker,controller")
        .with_env("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093")
        .with_env("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
        .with_env("KAFKA_LISTENERS", "PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093")
        .with_env("KAFKA_ADVERTISED_LISTENERS", f"PLAINTEXT://127.0.0.1:{port}")
        .with_env(
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
        )
        .with_env("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
        .with_env("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
        .with_env("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
        .with_env("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
    )
    with container:
        bootstrap = f"127.0.0.1:{port}"
        _wait_for_kafka(bootstrap)
        yield RunningKafka(bootstrap)


def _wait_for_kafka(bootstrap: str, timeout_s: float = 90.0) -> None:
    from kafka import KafkaAdminClient

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            KafkaAdminClient(bootstrap_servers=bootstrap).close()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def reset_kafka(bootstrap: str) -> None:
    """Delete every topic and consumer group but Kafka's own: each test starts afresh."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        groups = [group for group, _ in admin.list_consumer_groups()]
        if groups:
            admin.delete_consumer_groups(groups)
        topics = [t for t in admin.list_topics() if not t.startswith("__")]
        if topics:
            admin.delete_topics(topics)
        deadline = time.monotonic() + 30
        while any(not t.startswith("__") for t in admin.list_topics()):
            assert time.monotonic() < deadline, "topics not deleted"
            time.sleep(0.2)
    finally:
        admin.close()


@contextmanager
def redis_container() -> Iterator[RunningRedis]:
    from testcontainers.community.redis import RedisContainer

    with RedisContainer(REDIS_IMAGE) as container:
        host, port = container.get_container_host_ip(), container.get_exposed_port(6379)
        yield RunningRedis(f"redis://{host}:{port}/0")


@contextmanager
def postgres_container() -> Iterator[str]:
    """A PostgreSQL server; yields its SQLAlchemy URL (psycopg 3, as the services use)."""
    from testcontainers.community.postgres import PostgresContainer

    with PostgresContainer(POSTGRES_IMAGE, driver="psycopg") as container:
        yield container.get_connection_url()
