"""Loads the budgets file (YAML): the budgets and webhooks it seeds the database with."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from budget_monitor.domain import BudgetBook, ConfigError, parse_book
from budget_monitor.domain.documents import document_of


def _read(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such budgets file") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None


def load_budget_book(path: Path) -> BudgetBook:
    """The budgets and webhooks of `path`; `ConfigError` names the file, entry and field."""
    try:
        return parse_book(_read(path))
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def load_seed(
    path: Path, time_zones: Mapping[str, str] | None = None
) -> tuple[list[dict[str, Any]], BudgetBook]:
    """The canonical documents of the file's budgets (to upsert), and the book itself."""
    document = _read(path)
    try:
        book = parse_book(document, time_zones=time_zones)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    entries = document.get("budgets") or [] if isinstance(document, dict) else []
    given = {e["id"]: e for e in entries}
    return [document_of(b, given[b.id]) for b in book], book
