"""Price-book documents: the schema and the domain refuse bad ones, listing every problem."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from rating_helpers import EXAMPLE, REPO, book_yaml

from chargeback.money import MINOR_UNITS
from terms.adapters.files import load_catalog, parse_price_book
from terms.domain import Graduated, PerUnit, PriceBookCatalog, PriceBookInvalid, Volume

SCHEMA = REPO / "contracts" / "schemas" / "pricebook.schema.json"


def problems_of(text: str) -> dict[str, str]:
    with pytest.raises(PriceBookInvalid) as refused:
        parse_price_book(text)
    problems = {problem.path: problem.reason for problem in refused.value.problems}
    assert len(problems) == len(refused.value.problems), "one problem per path"
    return problems


def test_the_schema_is_valid_draft_2020_12() -> None:
    schema = json.loads(SCHEMA.read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_the_example_price_book_loads_with_its_services_and_customers() -> None:
    (book,) = load_catalog(EXAMPLE).versions
    assert book.currency == "USD"
    assert {"compute", "storage", "ci", "api_gateway", "network"} <= set(book.services)
    assert set(book.customers) == {"acme", "globex", "initech", "umbrella", "hooli"}
    assert all(customer.cost_center for customer in book.customers.values())
    price = book.meter("compute", "memory_gb_hours").pricing
    assert price == PerUnit(Decimal("0.005575"))
    assert isinstance(book.meter("storage", "gb_hours").pricing, Volume)
    assert isinstance(book.meter("compute", "cpu_hours").pricing, Graduated)
    assert book.customers["acme"].zone.key == "America/New_York"
    assert book.rules.time_of_use and book.rules.dimension_modifiers


def test_a_bad_document_is_refused_with_every_problem_listed_by_path() -> None:
    problems = problems_of(
        """
version: 7
effective_from: 2024-01-01T00:00:00
currency: usd
services:
  compute:
    meters:
      cpu_hours: {unit: vCPU-hour, price: 0.05}
      "bad name": {unit: h, price: "-1"}
  storage: {meters: {}}
  ci: {meters: {build_minutes: {unit: "", price: "1", discount: "2"}}}
customers:
  acme: {nam: ACME}
colour: blue
"""
    )
    assert set(problems) == {
        "$.colour",
        "$.version",
        "$.effective_from",
        "$.currency",
        "$.services.compute.meters",  # property name 'bad name'
        "$.services.compute.meters.cpu_hours.price",
        "$.services.compute.meters['bad name'].price",
        "$.services.storage.meters",
        "$.services.ci.meters.build_minutes.discount",
        "$.services.ci.meters.build_minutes.unit",
        "$.customers.acme.nam",
    }
    assert "unexpected field" in problems["$.colour"]
    assert 'quote it ("0.05")' in problems["$.services.compute.meters.cpu_hours.price"]
    assert 'quote it ("7")' in problems["$.version"]


def test_a_yaml_float_price_is_refused_even_when_it_looks_harmless() -> None:
    problems = problems_of(book_yaml().replace('price: "0.05"', "price: 0.1"))
    assert list(problems) == ["$.services.compute.meters.cpu_hours.price"]
    assert "0.1" in problems["$.services.compute.meters.cpu_hours.price"]


def test_an_unquoted_integer_price_gets_the_same_advice() -> None:
    problems = problems_of(book_yaml().replace('price: "0.05"', "price: 5"))
    reason = problems["$.services.compute.meters.cpu_hours.price"]
    assert reason.startswith('5 is a number; quote it ("5")')


def test_required_fields_are_each_named() -> None:
    problems = problems_of("version: v1\n")
    assert problems == {
        "$.effective_from": "required field is missing",
        "$.currency": "required field is missing",
        "$.services": "required field is missing",
    }


@pytest.mark.parametrize(
    ("stamp", "why"),
    [
        ("2024-01-01T00:00:00", "no UTC offset"),
        ("2024-01-01", "a date, not a time"),
        ("2024-02-30T00:00:00Z", "not a calendar day"),
        ("2024-01-01T25:00:00+02:00", "not a clock time"),
    ],
)
def test_effective_from_must_be_a_real_rfc3339_time_with_offset(stamp: str, why: str) -> None:
    assert list(problems_of(book_yaml(effective_from=stamp))) == ["$.effective_from"], why


def test_an_offset_other_than_utc_is_accepted_and_kept_exact() -> None:
    book = parse_price_book(book_yaml(effective_from="2024-01-01T01:00:00+01:00"))
    assert book.effective_from.isoformat() == "2024-01-01T01:00:00+01:00"


def test_an_unsupported_currency_is_refused_beside_schema_problems() -> None:
    problems = problems_of(book_yaml(currency="XYZ").replace('version: "v1"', "version: 1"))
    assert set(problems) == {"$.currency", "$.version"}
    assert "unsupported currency" in problems["$.currency"]
    assert "USD" in MINOR_UNITS


def test_duplicate_keys_are_refused_not_silently_overwritten() -> None:
    text = book_yaml() + '      cpu_hours: {unit: vCPU-hour, price: "0.01"}\n'
    problems = problems_of(text)
    assert "duplicate key 'cpu_hours'" in problems["$"]


def test_text_that_is_not_yaml_is_refused_with_a_reason() -> None:
    assert "not valid YAML" in problems_of("services: [unclosed")["$"]


def test_a_directory_lists_the_problems_of_every_file(tmp_path: Path) -> None:
    (tmp_path / "2024.yaml").write_text(book_yaml(version="2024", price="0.5.1"))
    (tmp_path / "2025.yml").write_text(book_yaml(version="2025", currency="XYZ"))
    (tmp_path / "notes.txt").write_text("not a price book")
    with pytest.raises(PriceBookInvalid) as refused:
        load_catalog(tmp_path)
    paths = [problem.path for problem in refused.value.problems]
    assert paths == ["2024.yaml: $.services.compute.meters.cpu_hours.price", "2025.yml: $.currency"]
    assert "2024.yaml" in str(refused.value) and "2025.yml" in str(refused.value)


def test_a_directory_of_versions_becomes_one_catalog_in_time_order(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text(
        book_yaml(version="2025", effective_from="2025-01-01T00:00:00Z")
    )
    (tmp_path / "a.yaml").write_text(
        book_yaml(version="2024", effective_from="2024-01-01T00:00:00Z")
    )
    assert [book.version for book in load_catalog(tmp_path).versions] == ["2024", "2025"]


def test_an_empty_directory_or_missing_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PriceBookInvalid, match=r"no \*\.yaml"):
        load_catalog(tmp_path)
    with pytest.raises(FileNotFoundError):
        load_catalog(tmp_path / "missing.yaml")


def test_versions_that_clash_are_refused_together() -> None:
    same_start = [
        parse_price_book(book_yaml(version="a")),
        parse_price_book(book_yaml(version="b")),
        parse_price_book(book_yaml(version="a", effective_from="2025-01-01T00:00:00Z")),
    ]
    with pytest.raises(PriceBookInvalid) as refused:
        PriceBookCatalog(same_start)
    reasons = [problem.reason for problem in refused.value.problems]
    assert len(reasons) == 2
    assert any("appears twice" in reason for reason in reasons)
    assert any("both take effect" in reason for reason in reasons)


def test_pricing_models_rules_and_customers_are_checked_with_every_problem_listed() -> None:
    problems = problems_of(
        """
version: v2
effective_from: 2024-01-01T00:00:00Z
currency: USD
services:
  compute:
    meters:
      cpu_hours:
        unit: h
        pricing: {model: graduated, tiers: [{up_to: "100", price: "1"}, {up_to: "50", price: "2"}]}
      gpu_hours: {unit: h, price: "1", pricing: {model: per_unit, price: "1"}}
      blocks: {unit: h, pricing: {model: package, size: "0", price: "1"}}
      tiered: {unit: h, pricing: {model: volume, tiers: [{price: "1"}, {price: "2"}]}}
      typo: {unit: h, pricing: {model: graduatd}}
      fee: {unit: USD, pricing: {model: percentage, percent: "3.5", tiers: []}}
customers:
  acme:
    time_zone: Mars/Olympus
    discount_percent: "120"
    overrides:
      compute:
        quantum: {committed: "5"}
        gpu_hours: {price: "1", pricing: {model: per_unit, price: "2"}}
demand_rules:
  time_of_use:
    - {name: peak, time_zone: Europe/Nowhere, days: [mon, funday], from: "08:00", to: "08:00",
       adjust_percent: "-150", applies_to: [storage]}
  dimension_modifiers:
    - {dimension: priority, equals: batch, adjust_percent: "30%"}
"""
    )
    assert problems == {
        "$.services.compute.meters.cpu_hours.pricing.tiers[1]": (
            "the last tier must have no `up_to` (it has no upper bound)"
        ),
        "$.services.compute.meters.cpu_hours.pricing.tiers[1].up_to": (
            "must be more than 100 (tiers go up)"
        ),
        "$.services.compute.meters.gpu_hours": (
            "give exactly one of `price` (per unit) and `pricing` (a pricing model)"
        ),
        "$.services.compute.meters.blocks.pricing.size": "a block must hold more than zero units",
        "$.services.compute.meters.tiered.pricing.tiers[0]": (
            "only the last tier may leave out `up_to`"
        ),
        "$.services.compute.meters.typo.pricing.model": problems[
            "$.services.compute.meters.typo.pricing.model"
        ],
        "$.services.compute.meters.fee.pricing.tiers": "unexpected field; allowed: model, percent",
        "$.customers.acme.time_zone": "unknown time zone 'Mars/Olympus'",
        "$.customers.acme.discount_percent": "a discount cannot exceed 100 %",
        "$.customers.acme.overrides.compute.quantum": (
            "compute/quantum is not a meter of this price book"
        ),
        "$.customers.acme.overrides.compute.gpu_hours": (
            "give at most one of `price` and `pricing`"
        ),
        "$.demand_rules.time_of_use[0].time_zone": "unknown time zone 'Europe/Nowhere'",
        "$.demand_rules.time_of_use[0].days[1]": problems["$.demand_rules.time_of_use[0].days[1]"],
        "$.demand_rules.time_of_use[0].to": "the window is empty (`to` equals `from`)",
        "$.demand_rules.time_of_use[0].adjust_percent": "a discount cannot exceed 100 %",
        "$.demand_rules.time_of_use[0].applies_to[0]": (
            "'storage' is not a service or service/meter of this price book"
        ),
        "$.demand_rules.dimension_modifiers[0].adjust_percent": problems[
            "$.demand_rules.dimension_modifiers[0].adjust_percent"
        ],
    }
    assert "graduatd" in problems["$.services.compute.meters.typo.pricing.model"]
    assert "funday" in problems["$.demand_rules.time_of_use[0].days[1]"]


def test_a_documented_order_of_rules_is_in_the_schema() -> None:
    schema = json.loads(SCHEMA.read_text())
    for text in (schema["description"], schema["$defs"]["demand_rules"]["description"]):
        assert "(1) the event's billing period" in text and "(7) customer discount" in text
