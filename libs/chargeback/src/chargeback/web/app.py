"""`service_app`: the FastAPI app every service builds, with the shared conventions on."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import FastAPI

from chargeback.web.errors import install_error_handlers
from chargeback.web.openapi import install_openapi

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[Any]] | None


def service_app(*, title: str, version: str, description: str, lifespan: Lifespan) -> FastAPI:
    """One error shape for every answer, and an OpenAPI document that says so (and says
    which routes need a key). Every service's composition root builds its app here."""
    app = FastAPI(title=title, version=version, description=description, lifespan=lifespan)
    install_error_handlers(app)
    install_openapi(app)
    return app
