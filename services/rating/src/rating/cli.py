"""`python -m rating pricebook …` (and `chargeback pricebook …`): check a price book offline,
publish a version to running workers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console

app = typer.Typer(help="Price books: validate, publish.", no_args_is_help=True)
console = Console()

Url = Annotated[
    str, typer.Option(envvar="CHARGEBACK_RATING_URL", help="The rating service's base URL.")
]
Key = Annotated[str, typer.Option(envvar="CHARGEBACK_API_KEY", help="A finance API key.")]


def _client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=30)


@app.command("validate")
def validate(path: Path) -> None:
    """Check a price-book file (or a folder of versions); every problem is listed."""
    from terms.adapters.files import load_catalog
    from terms.domain import PriceBookInvalid

    try:
        catalog = load_catalog(path)
    except PriceBookInvalid as invalid:
        console.print(f"[red]{invalid}", highlight=False)
        raise typer.Exit(1) from None
    except (OSError, ValueError) as error:
        console.print(f"[red]cannot read {path}: {error}", highlight=False)
        raise typer.Exit(1) from None
    for book in catalog.versions:
        console.print(f"[green]ok[/] version {book.version}, in force from {book.effective_from}")


@app.command("publish")
def publish(file: Path, url: Url = "http://127.0.0.1:8002", key: Key = "") -> None:
    """Publish a version: every rating worker prices with it from its `effective_from` on."""
    try:
        text = file.read_text()
    except OSError as error:
        console.print(f"[red]cannot read {file}: {error}", highlight=False)
        raise typer.Exit(1) from None
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/yaml"}
    with _client(url) as client:
        try:
            answer = client.post("/v1/price-books", content=text.encode(), headers=headers)
        except httpx.HTTPError as error:
            console.print(f"[red]rating at {url} did not answer: {error}", highlight=False)
            raise typer.Exit(1) from None
    body = (
        answer.json()
        if answer.headers.get("content-type", "").startswith("application/json")
        else {}
    )
    if answer.status_code in (200, 201):
        verb = "published" if answer.status_code == 201 else "already published"
        console.print(
            f"[green]{verb}[/] version {body['version']}, in force from "
            f"{body['effective_from']} (generation {body['generation']})"
        )
        return
    console.print(f"[red]refused ({answer.status_code}): {body.get('detail', answer.text)}")
    for problem in body.get("errors", []):
        console.print(f"  - {problem['field']}: {problem['reason']}", highlight=False)
    raise typer.Exit(1)
