"""Admin commands every service runs itself, and `python -m <service>` around its serve function.

`python -m metering` alone serves, exactly as the images and `chargeback up` start it;
with arguments it runs a command instead: `python -m metering keys create --role finance`,
`python -m rating pricebook validate FILE`. A service image has no other command line, so
its first key is made with the service itself. The people's CLI (`chargeback`) mounts
these same apps: each command has one implementation.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, cast

import typer

from chargeback.auth import ROLES, KeyStore, Role
from chargeback.settings import InfraSettings

keys_app = typer.Typer(help="API keys: create, list, revoke.", no_args_is_help=True)

KeysFile = Annotated[
    Path | None,
    typer.Option(help="The keys file. Default: CHARGEBACK_KEYS_FILE, else var/run/keys.json."),
]


def key_store(keys_file: Path | None = None) -> KeyStore:
    """The keys every service reads: the file named, else the one the settings name."""
    return KeyStore(keys_file or InfraSettings().chargeback_keys_file)


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}.")],
    name: str = "",
    source: Annotated[list[str] | None, typer.Option(help="Emitter: allowed sources.")] = None,
    customer: Annotated[str | None, typer.Option(help="Customer key: whose data.")] = None,
    keys_file: KeysFile = None,
) -> None:
    """Make a key; the plain key is printed once and stored only hashed."""
    store = key_store(keys_file)
    try:
        plain, key = store.create(
            cast(Role, role),  # checked by `create`: an unknown role is refused there
            name=name,
            sources=tuple(source or ()),
            customer=customer,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    scope = ", ".join(key.sources) or key.customer or "everything"
    typer.echo(f"# key {key.key_id}: {key.role} ({scope}), in {store.path}; shown once")
    typer.echo(f"export CHARGEBACK_API_KEY={plain}")


@keys_app.command("list")
def keys_list(keys_file: KeysFile = None) -> None:
    """List keys (ids, roles, scopes; never the keys themselves)."""
    for key in key_store(keys_file).all():
        scope = ",".join(key.sources) or key.customer or "-"
        typer.echo(f"{key.key_id}  {key.role:8} {scope:20} {'revoked' if key.revoked else ''}")


@keys_app.command("revoke")
def keys_revoke(key_id: str, keys_file: KeysFile = None) -> None:
    """Revoke a key by id; every service refuses it from the next request on."""
    if not key_store(keys_file).revoke(key_id):
        typer.secho(f"no key {key_id}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}")


Serve = Callable[[], int | None]
Documented = Callable[[], Any]  # the service's FastAPI app, built but never started


def service_app(
    package: str,
    serve: Serve,
    commands: dict[str, typer.Typer],
    documented: Documented | None = None,
) -> typer.Typer:
    """The commands of one service: `serve`, `keys`, `openapi`, and its own (e.g. rating's
    `pricebook`)."""
    app = typer.Typer(
        help=f"`python -m {package}` alone serves; with a command, runs that command.",
        no_args_is_help=True,
        add_completion=False,
    )

    @app.command("serve")
    def serve_command() -> None:
        """Serve: the HTTP API and the workers, as with no command at all."""
        raise typer.Exit(serve() or 0)

    if documented is not None:

        @app.command("openapi")
        def openapi_command() -> None:
            """Print the service's OpenAPI document (as contracts/openapi/ holds it)."""
            from chargeback.web import openapi_text

            typer.echo(openapi_text(documented()), nl=False)

    app.add_typer(keys_app, name="keys")
    for name, commands_app in commands.items():
        app.add_typer(commands_app, name=name)
    return app


def run_service(
    package: str, serve: Serve, documented: Documented | None = None, **commands: typer.Typer
) -> None:
    """`python -m <package>`: `serve()` when given no arguments, else the command named."""
    if len(sys.argv) <= 1:
        sys.exit(serve())
    service_app(package, serve, commands, documented)(prog_name=f"python -m {package}")
