"""The demo emitter's catalog comes from the price book through the one loader (terms)."""

from pathlib import Path

import pytest

from chargeback import codec
from chargeback.contracts import UsageEvent
from chargeback_cli.demo import DEMO_CUSTOMERS, DemoCatalog, demo_events
from chargeback_cli.stack import DEFAULT_PRICE_BOOK
from terms.domain import PriceBookInvalid


def version(name: str, effective_from: str, meters: dict[str, list[str]], customers=()) -> str:
    lines = [f'version: "{name}"', f'effective_from: "{effective_from}"', "currency: EUR"]
    lines.append("services:")
    for service, names in meters.items():
        lines += [f"  {service}:", "    meters:"]
        lines += [f'      {m}: {{unit: unit, price: "0.01"}}' for m in names]
    if customers:
        lines.append("customers:")
        lines += [f"  {c}: {{name: {c.title()}}}" for c in customers]
    return "\n".join(lines) + "\n"


def test_emitted_events_are_valid_usage_events_of_the_books_meters(tmp_path: Path) -> None:
    book = tmp_path / "book.yaml"
    book.write_text(
        version("d1", "2020-01-01T00:00:00Z", {"compute": ["cpu_hours"]}, ("acme", "globex"))
    )
    catalog = DemoCatalog.from_price_book(book)
    assert catalog == DemoCatalog(customers=("acme", "globex"), meters=(("compute", "cpu_hours"),))
    events = [e for _, e in zip(range(50), demo_events(catalog, seed=1), strict=False)]
    models = [UsageEvent.model_validate(codec.loads(codec.dumps(e))) for e in events]
    assert {m.subject for m in models} <= {"acme", "globex"}
    assert {(m.data.service, m.data.meter) for m in models} == {("compute", "cpu_hours")}
    assert all(m.data.quantity > 0 for m in models)
    assert len({m.key for m in models}) == 50


def test_a_folder_of_versions_gives_the_latest_versions_meters_and_customers(tmp_path):
    (tmp_path / "b.yaml").write_text(
        version("v2", "2021-01-01T00:00:00Z", {"ci": ["build_minutes"]}, ("initech",))
    )
    (tmp_path / "a.yaml").write_text(
        version("v1", "2020-01-01T00:00:00Z", {"compute": ["cpu_hours", "gb"]}, ("acme",))
    )
    catalog = DemoCatalog.from_price_book(tmp_path)
    assert catalog.meters == (("ci", "build_minutes"),)
    assert catalog.customers == ("initech",)


def test_a_book_without_customers_gets_the_demo_customers(tmp_path):
    book = tmp_path / "book.yaml"
    book.write_text(version("d1", "2020-01-01T00:00:00Z", {"ci": ["build_minutes"]}))
    assert (
        DemoCatalog.from_price_book(book).customers
        == DEMO_CUSTOMERS
        == (
            "acme",
            "globex",
            "initech",
        )
    )


def test_the_example_price_book_drives_the_demo():
    catalog = DemoCatalog.from_price_book(DEFAULT_PRICE_BOOK)
    assert ("compute", "cpu_hours") in catalog.meters
    assert {"acme", "globex", "initech"} <= set(catalog.customers)


def test_an_invalid_book_is_refused_with_its_problems(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("services:\n  compute:\n    meters:\n      cpu_hours: {}\n")
    with pytest.raises(PriceBookInvalid, match="currency"):
        DemoCatalog.from_price_book(bad)
