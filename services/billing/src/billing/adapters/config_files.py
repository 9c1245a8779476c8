"""YAML files finance keeps: customers' billing settings, and service costs.

The customers file holds billing's settings only (`customers: {id: {kind,
statement_type, grace_days, grace_hours}}`); a customer's terms are the price book's,
so a term in the file (a time zone, a cost center, ...) stops the start with the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from billing.domain.costs import ServiceCost, parse_service_cost
from billing.domain.customer_settings import CustomerConfigError, CustomerSettings, parse_settings


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


def load_customers(path: Path) -> list[CustomerSettings]:
    """The billing settings of the file's `customers` section."""
    data = _load(path)
    unknown = sorted(str(key) for key in data if key != "customers")
    if unknown:
        raise ConfigFileError(f"{path}: unexpected {', '.join(unknown)}; expected customers")
    section = data.get("customers") or {}
    if not isinstance(section, dict):
        raise ConfigFileError(f"{path}: customers must be a mapping of customer id to settings")
    found = []
    for cid, raw in section.items():
        if raw is not None and not isinstance(raw, dict):
            raise ConfigFileError(f"{path}: customers.{cid} must be a mapping of settings")
        try:
            found.append(parse_settings(str(cid), raw or {}))
        except CustomerConfigError as exc:
            raise ConfigFileError(f"{path}: {exc}") from None
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
