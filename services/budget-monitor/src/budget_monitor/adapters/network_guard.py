"""Where webhooks may go (SSRF stance).

A subscriber's URL is untrusted: it could aim the monitor at internal services.
Outside development, a URL whose host resolves to a loopback, private, link-local,
multicast or reserved address is refused at delivery time (resolved then, not only
when subscribing, so a DNS change cannot slip one in), unless its host is on the
allow-list. In development (tests use 127.0.0.1) every host is allowed.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Collection
from urllib.parse import urlsplit

from budget_monitor.domain import is_public_address


class RefusedAddressError(Exception):
    pass


class NetworkGuard:
    def __init__(self, *, allow_private: bool, allowed_hosts: Collection[str] = ()) -> None:
        self.allow_private = allow_private
        self.allowed_hosts = {h.lower() for h in allowed_hosts}

    async def check(self, url: str) -> None:
        """Raises RefusedAddressError if `url` may not be posted to."""
        host = (urlsplit(url).hostname or "").lower()
        if self.allowed_hosts and host not in self.allowed_hosts:
            raise RefusedAddressError(f"host {host!r} is not on the webhook allow-list")
        if self.allow_private or host in self.allowed_hosts:
            return
        try:
            found = await asyncio.get_running_loop().getaddrinfo(
                host, None, type=socket.SOCK_STREAM
            )
        except OSError as exc:
            raise RefusedAddressError(f"host {host!r} does not resolve: {exc}") from None
        for *_, address in found:
            if not is_public_address(str(address[0])):
                raise RefusedAddressError(f"host {host!r} resolves to a non-public address")
