"""What the embedded broker and Redis have in common: one managed process on a local port."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from chargeback_cli.embedded.ports import free_port, wait_for_port
from chargeback_cli.embedded.process import ManagedProcess


class EmbeddedPart:
    name = "part"

    def __init__(self, *, port: int | None = None, log_path: Path | None = None) -> None:
        self.port = port or free_port()
        self.log_path = log_path
        self._process: ManagedProcess | None = None

    def argv(self) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str] | None:
        return None

    def start(self) -> Self:
        self._process = ManagedProcess(
            self.name, self.argv(), env=self.env(), log_path=self.log_path
        ).start()
        wait_for_port(self.port)
        return self

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def stop(self) -> None:
        if self._process is not None:
            self._process.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
