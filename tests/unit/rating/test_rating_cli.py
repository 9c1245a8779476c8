"""`chargeback pricebook validate|publish` (rating's typer app), through typer's CliRunner."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rating_fakes import InMemoryPriceBookStorage
from rating_helpers import EXAMPLE, book_yaml
from typer.testing import CliRunner

from chargeback.auth import KeyStore
from rating import cli
from rating.bootstrap import build_app
from terms.adapters.files import parse
from terms.service_layer.registry import PriceBookRegistry

runner = CliRunner()


def test_validate_accepts_the_example() -> None:
    result = runner.invoke(cli.app, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "ok version 2020.1" in result.output


def test_validate_lists_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(book_yaml(currency="usd").replace('price: "0.05"', "price: 0.05"))
    result = runner.invoke(cli.app, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "2 problems" in result.output
    assert "$.currency" in result.output and "cpu_hours.price" in result.output


class FakeWorker:
    ready = True

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class NoUsage:
    async def used_in_period(self, customer: str, period: str) -> dict:  # type: ignore[type-arg]
        return {}


@pytest.fixture
def finance_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    keys = KeyStore(tmp_path / "keys.json")
    plain, _ = keys.create("finance")
    registry = PriceBookRegistry(InMemoryPriceBookStorage(), parse)
    asyncio.run(registry.seed([(parse(book_yaml(), "seed"), book_yaml())]))
    api = build_app(worker=FakeWorker(), registry=registry, usage=NoUsage(), keys=keys)

    def through_the_app(request: httpx.Request) -> httpx.Response:
        """The CLI is synchronous: each of its requests runs the ASGI app on a loop of its own."""

        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=api)
            async with httpx.AsyncClient(transport=transport, base_url="http://rating") as http:
                answer = await http.request(
                    request.method,
                    request.url.path,
                    content=request.content,
                    headers=request.headers,
                )
                return httpx.Response(
                    answer.status_code, headers=answer.headers, content=answer.content
                )

        return asyncio.run(send())

    monkeypatch.setattr(
        cli,
        "_client",
        lambda url: httpx.Client(transport=httpx.MockTransport(through_the_app), base_url=url),
    )
    yield plain


def test_publish_sends_the_file_and_reports_the_generation(
    tmp_path: Path, finance_key: str
) -> None:
    book = tmp_path / "2099.yaml"
    book.write_text(book_yaml(version="2099", effective_from="2099-01-01T00:00:00Z"))
    first = runner.invoke(cli.app, ["publish", str(book), "--key", finance_key])
    assert first.exit_code == 0, first.output
    assert "published version 2099" in first.output
    assert "generation 2" in first.output  # the seed was the first
    again = runner.invoke(cli.app, ["publish", str(book)], env={"CHARGEBACK_API_KEY": finance_key})
    assert again.exit_code == 0 and "already published" in again.output


def test_publish_prints_each_problem_of_a_refused_version(tmp_path: Path, finance_key: str) -> None:
    book = tmp_path / "bad.yaml"
    book.write_text(book_yaml(version="2099", effective_from="2001-01-01T00:00:00Z"))
    result = runner.invoke(cli.app, ["publish", str(book), "--key", finance_key])
    assert result.exit_code == 1
    assert "refused (422)" in result.output and "$.effective_from" in result.output


def test_publish_without_a_finance_key_is_refused(tmp_path: Path, finance_key: str) -> None:
    book = tmp_path / "b.yaml"
    book.write_text(book_yaml(version="2099", effective_from="2099-01-01T00:00:00Z"))
    result = runner.invoke(cli.app, ["publish", str(book), "--key", "cbk_wrong"])
    assert result.exit_code == 1 and "refused (401)" in result.output
