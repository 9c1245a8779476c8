"""Webhook subscriptions: an endpoint, its secret, and which alerts it wants.

A subscription with no filter gets every alert; otherwise an alert goes to it when
its budget is one of `budget_ids` or its budget's scope matches one of `scopes`
(every field a scope filter names must equal the budget's).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from budget_monitor.domain.errors import ConfigError

MAX_URL = 2048
SCOPE_FIELDS = ("customer", "cost_center", "service")


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    url: str
    secret: str = field(repr=False)
    budget_ids: tuple[str, ...] = ()
    scopes: tuple[Mapping[str, str], ...] = ()
    enabled: bool = True

    def wants(self, budget_id: str, scope: Mapping[str, str]) -> bool:
        """Whether an alert of `budget_id` (whose budget has `scope`) goes here."""
        if not self.enabled:
            return False
        if not self.budget_ids and not self.scopes:
            return True
        return budget_id in self.budget_ids or any(
            all(scope.get(k) == v for k, v in wanted.items()) for wanted in self.scopes
        )


def check_url(url: str) -> str:
    """An http(s) URL without credentials; ConfigError says what is wrong with it."""
    if len(url) > MAX_URL:
        raise ConfigError(f"url: at most {MAX_URL} characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ConfigError("url: must be an http or https URL")
    if not parts.hostname:
        raise ConfigError("url: names no host")
    if parts.username or parts.password:
        raise ConfigError("url: must not carry credentials (sign with the secret instead)")
    if any(c.isspace() for c in url):
        raise ConfigError("url: must not contain spaces")
    try:
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        raise ConfigError("url: the port is not a number from 0 to 65535") from None
    return url


def is_public_address(address: str) -> bool:
    """False for loopback, private, link-local, multicast, reserved or unspecified IPs."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_scopes(scopes: Sequence[Mapping[str, str]]) -> tuple[dict[str, str], ...]:
    checked = []
    for index, scope in enumerate(scopes):
        unknown = set(scope) - set(SCOPE_FIELDS)
        if unknown or not scope:
            raise ConfigError(f"scopes[{index}]: name one or more of {', '.join(SCOPE_FIELDS)}")
        checked.append(dict(scope))
    return tuple(checked)
