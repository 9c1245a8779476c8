"""API keys: stored hashed, revocable, each with a role and what it may touch.

The key file is a JSON list of records; a plain key is shown once, when made.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

Role = Literal["emitter", "customer", "finance"]
ROLES: tuple[Role, ...] = ("emitter", "customer", "finance")
KEY_PREFIX = "cbk_"


def hash_key(plain: str) -> str:
    # Keys are 256-bit random tokens, so a fast hash is safe: there is nothing to brute-force.
    return hashlib.sha256(plain.encode()).hexdigest()


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    key_hash: str
    role: Role
    name: str = ""
    # emitter: the CloudEvents sources it may ingest for ("*" for any).
    sources: tuple[str, ...] = ()
    # customer: the customer whose data it may read.
    customer: str | None = None
    revoked: bool = False

    def may_emit_for(self, source: str) -> bool:
        if self.role == "finance":
            return True
        return self.role == "emitter" and ("*" in self.sources or source in self.sources)

    def may_read_customer(self, customer: str) -> bool:
        return self.role == "finance" or (self.role == "customer" and self.customer == customer)


@dataclass
class KeyStore:
    """Keys in a JSON file, re-read when the file changes so revocation takes effect at once."""

    path: Path
    _keys: dict[str, ApiKey] = field(default_factory=dict)
    _mtime: float = -1.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _refresh(self) -> None:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            self._keys, self._mtime = {}, -1.0
            return
        if mtime == self._mtime:
            return
        with self._lock:
            records = json.loads(self.path.read_text() or "[]")
            keys = [ApiKey(**{**r, "sources": tuple(r.get("sources", ()))}) for r in records]
            self._keys = {k.key_hash: k for k in keys}
            self._mtime = mtime

    def authenticate(self, plain: str) -> ApiKey | None:
        self._refresh()
        found = self._keys.get(hash_key(plain))
        return None if found is None or found.revoked else found

    def all(self) -> list[ApiKey]:
        self._refresh()
        return list(self._keys.values())

    def create(
        self,
        role: Role,
        *,
        name: str = "",
        sources: tuple[str, ...] = (),
        customer: str | None = None,
    ) -> tuple[str, ApiKey]:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        if role == "customer" and not customer:
            raise ValueError("a customer key names its customer")
        if role == "emitter" and not sources:
            raise ValueError("an emitter key names the sources it may emit for")
        plain = KEY_PREFIX + secrets.token_urlsafe(32)
        key = ApiKey(
            key_id=secrets.token_hex(6),
            key_hash=hash_key(plain),
            role=role,
            name=name,
            sources=sources,
            customer=customer,
        )
        self._write([*self.all(), key])
        return plain, key

    def remove(self, which: Callable[[ApiKey], bool]) -> int:
        """Forget the keys `which` picks (e.g. a previous run's demo keys); how many."""
        keys = self.all()
        kept = [k for k in keys if not which(k)]
        if len(kept) != len(keys):
            self._write(kept)
        return len(keys) - len(kept)

    def revoke(self, key_id: str) -> bool:
        keys = self.all()
        hit = [k for k in keys if k.key_id == key_id]
        if not hit:
            return False
        self._write(
            [ApiKey(**{**asdict(k), "revoked": True}) if k.key_id == key_id else k for k in keys]
        )
        return True

    def _write(self, keys: list[ApiKey]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps([asdict(k) for k in keys], indent=2))
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)
        self._mtime = -1.0
