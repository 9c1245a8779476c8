"""Reads budgets from their documents (a YAML entry or an API body), naming what is wrong.

budgets:
  - {id: acme-monthly, customer: acme, service: compute, amount: "50.00",
     currency: USD, period: monthly, thresholds: [50, 80, 100], forecast_thresholds: [100]}
  - {id: cc-q, cost_center: CC-1001, amount: "900", currency: EUR, period: quarterly,
     time_zone: Europe/Paris}
  - {id: launch, service: ci, amount: "300", currency: USD, period: custom,
     period_start: "2026-11-05", period_end: "2027-02-05"}
webhooks:
  - {url: "https://hooks.example/budget", secret: "whsec_…"}

Thresholds: a budget that names none gets 50, 80, 100 % of actual spend and 100 %
of forecast spend; one that names any gets exactly those it names.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any

from budget_monitor.domain.book import BudgetBook, WebhookTarget
from budget_monitor.domain.budget_fields import FieldError, budget_from_document
from budget_monitor.domain.errors import ConfigError

WEBHOOK_FIELDS = {"url", "secret"}
MAX_BUDGETS, MAX_WEBHOOKS = 10_000, 32

__all__ = ["FieldError", "parse_book"]


def parse_book(document: object, *, time_zones: Mapping[str, str] | None = None) -> BudgetBook:
    """A `BudgetBook` from a budgets document; `ConfigError` says which entry and field."""
    if document is None:
        return BudgetBook()
    if not isinstance(document, Mapping):
        raise ConfigError("the budgets file must be a mapping with 'budgets' and 'webhooks'")
    unknown = set(document) - {"budgets", "webhooks"}
    if unknown:
        raise ConfigError(f"unknown top-level keys: {', '.join(sorted(map(str, unknown)))}")
    budgets = []
    for index, entry in enumerate(_list(document, "budgets", MAX_BUDGETS)):
        where = f"budgets[{index}]"
        if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            where = f"{where} (budget {entry['id']!r})"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{where}: must be a mapping")
        try:
            budgets.append(budget_from_document(entry, time_zones=time_zones or {}))
        except FieldError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    hooks = [_webhook(i, e) for i, e in enumerate(_list(document, "webhooks", MAX_WEBHOOKS))]
    seen: set[str] = set()
    for budget in budgets:
        if budget.id in seen:
            raise ConfigError(f"budget {budget.id!r}: id is used by more than one budget")
        seen.add(budget.id)
    return BudgetBook(tuple(budgets), tuple(hooks))


def _list(document: Mapping[Any, Any], key: str, limit: int) -> list[Any]:
    value = document.get(key) or []
    if not isinstance(value, list):
        raise ConfigError(f"{key}: must be a list")
    if len(value) > limit:
        raise ConfigError(f"{key}: at most {limit} entries")
    return value


def _webhook(index: int, entry: object) -> WebhookTarget:
    where = f"webhooks[{index}]"
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{where}: must be a mapping with url and secret")
    unknown = set(entry) - WEBHOOK_FIELDS
    if unknown:
        raise ConfigError(f"{where}: {', '.join(sorted(map(str, unknown)))}: unknown field")
    url = entry.get("url")
    if not isinstance(url, str) or not re.match(r"^https?://[^\s/]+", url) or len(url) > 2048:
        raise ConfigError(f"{where}: url: must be an http(s) URL")
    secret = entry.get("secret")
    if not isinstance(secret, str) or len(secret) < 8:
        raise ConfigError(f"{where}: secret: required, at least 8 characters")
    if secret.startswith("whsec_"):
        try:
            base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except binascii.Error:
            raise ConfigError(f"{where}: secret: whsec_ must be followed by base64") from None
    return WebhookTarget(url, secret)
