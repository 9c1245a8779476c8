"""YAML files finance keeps: customers (the price book's `customers`) and service costs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml

from billing.domain.commitment_config import unpriced_overrides
from billing.domain.costs import ServiceCost, parse_service_cost
from billing.domain.customers import Customer, parse_customer

log = logging.getLogger(__name__)


class ConfigFileError(ValueError):
    """A file that cannot be read as the settings it should hold; says which file and why."""


def _load(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigFileError(f"{path}: {str(exc)[:300]}") from None
    if not isinstance(data, dict):
        raise ConfigFileError(f"{path}: expected a mapping at the top")
    return data


def price_book_file(path: Path) -> Path:
    """A price-book path may name a directory of version files: the last one by name."""
    if path.is_dir():
        versions = sorted(path.glob("*.y*ml"))
        if not versions:
            raise ConfigFileError(f"{path}: no price-book files in the directory")
        return versions[-1]
    return path


def load_customers(path: Path) -> list[Customer]:
    """Customers of a price book's `customers` section (its `services` price commitments)."""
    book = _load(price_book_file(path))
    section, services = book.get("customers") or {}, book.get("services") or {}
    if not isinstance(section, dict) or not isinstance(services, dict):
        raise ConfigFileError(f"{path}: customers must be a mapping of customer id to settings")
    try:
        found = [parse_customer(str(cid), raw or {}, services) for cid, raw in section.items()]
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise ConfigFileError(f"{path}: {exc}") from None
    for cid, raw in section.items():
        for meter in unpriced_overrides(raw or {}, services):
            log.warning(
                "customer %s: commitment on %s has no flat price; its shortfall is not billed",
                cid,
                meter,
            )
    return found


def load_costs(path: Path) -> list[tuple[str, ServiceCost]]:
    """(period or '*', cost) of a costs file's `services`; `periods:` inside overrides a month."""
    section = _load(path).get("services") or {}
    if not isinstance(section, dict):
        raise ConfigFileError(f"{path}: services must be a mapping of service to costs")
    found = []
    try:
        for service, raw in section.items():
            raw = dict(raw or {})
            overrides = raw.pop("periods", None) or {}
            found.append(("*", parse_service_cost(str(service), raw)))
            for period, override in overrides.items():
                found.append((str(period), parse_service_cost(str(service), {**raw, **override})))
    except (ValueError, TypeError, AttributeError) as exc:
        raise ConfigFileError(f"{path}: {exc}") from None
    return found
