"""HTTP API of the price books: the versions in force, and publishing a new one (finance)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from chargeback.auth import ApiKey
from chargeback.web import ApiError, Caller, FieldProblem, errors, require_role
from rating import metrics
from terms.domain import PriceBook, PriceBookCatalog, PriceBookInvalid
from terms.service_layer.registry import PriceBookRegistry, PublishConflict

MAX_DOCUMENT_BYTES = 1024 * 1024
MEDIA_TYPES = ("application/yaml", "application/json")


class MeterPublic(BaseModel):
    unit: str
    price: str | None = None  # per-unit meters
    pricing: dict[str, Any] | None = None  # any other pricing model, as written
    free_allowance: str | None = None


class ServicePublic(BaseModel):
    description: str
    meters: dict[str, MeterPublic]


class CustomerPublic(BaseModel):
    name: str
    cost_center: str
    time_zone: str


class PriceBookVersionPublic(BaseModel):
    version: str
    effective_from: datetime
    effective_until: datetime | None
    currency: str
    services: dict[str, ServicePublic]
    customers: dict[str, CustomerPublic]
    demand_rules: dict[str, Any]


class PriceBookCatalogPublic(BaseModel):
    in_force_now: str | None
    generation: int
    versions: list[PriceBookVersionPublic]


class PublishedPublic(BaseModel):
    version: str
    effective_from: datetime
    generation: int
    created: bool


def _meter(spec: dict[str, Any]) -> MeterPublic:
    return MeterPublic(
        unit=spec["unit"],
        price=spec.get("price"),
        pricing=spec.get("pricing"),
        free_allowance=spec.get("free_allowance"),
    )


def _public(book: PriceBook, catalog: PriceBookCatalog) -> PriceBookVersionPublic:
    document = book.document
    return PriceBookVersionPublic(
        version=book.version,
        effective_from=book.effective_from,
        effective_until=catalog.effective_until(book),
        currency=book.currency,
        services={
            name: ServicePublic(
                description=spec.get("description", ""),
                meters={meter: _meter(terms) for meter, terms in spec["meters"].items()},
            )
            for name, spec in document.get("services", {}).items()
        },
        customers={
            ident: CustomerPublic(
                name=info.name, cost_center=info.cost_center, time_zone=info.zone.key
            )
            for ident, info in book.customers.items()
        },
        demand_rules=document.get("demand_rules") or {},
    )


router = APIRouter(prefix="/v1", tags=["price book"])
Finance = Annotated[ApiKey, Depends(require_role("finance"))]


@router.get("/price-book", response_model=PriceBookCatalogPublic)
async def price_book(request: Request, caller: Caller) -> PriceBookCatalogPublic:
    """Every version with its validity window, and the one in force now (any role)."""
    registry: PriceBookRegistry = request.app.state.registry
    await registry.refresh()
    catalog = registry.catalog
    now = datetime.now(UTC)
    in_force = [book for book in catalog.versions if book.effective_from <= now]
    return PriceBookCatalogPublic(
        in_force_now=in_force[-1].version if in_force else None,
        generation=max(registry.generation, 0),
        versions=[_public(book, catalog) for book in catalog.versions],
    )


def _refused(status: int, invalid: PriceBookInvalid) -> ApiError:
    return ApiError(
        status,
        str(invalid).splitlines()[0],
        [FieldProblem(field=p.path, reason=p.reason) for p in invalid.problems],
    )


def _document_schema() -> dict[str, Any]:
    """The price-book JSON Schema (terms' package data, the contract's own file)."""
    text = resources.files("terms").joinpath("pricebook.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


PRICE_BOOK_BODY = {
    "description": "One price-book version, as YAML or JSON",
    "required": True,
    "content": {media: {"schema": _document_schema()} for media in MEDIA_TYPES},
}


@router.post(
    "/price-books",
    response_model=PublishedPublic,
    status_code=201,
    openapi_extra={"requestBody": PRICE_BOOK_BODY},
    responses={
        200: {"model": PublishedPublic, "description": "This version was already published"},
        **errors(
            409,
            413,
            415,
            422,
            r409="Clashes with a version already published (every problem in `errors`)",
            r413="Document larger than 1 MiB",
            r422="Invalid: every problem in `errors` (path and reason)",
        ),
    },
)
async def publish_price_book(request: Request, caller: Finance) -> Any:
    """Publish a new version (YAML or JSON body); every worker prices with it from its time on."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media and media not in MEDIA_TYPES:  # none: YAML (JSON is YAML too)
        raise HTTPException(415, f"send the price book as {' or '.join(MEDIA_TYPES)}")
    raw = await request.body()
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise HTTPException(413, "price book larger than 1 MiB")
    registry: PriceBookRegistry = request.app.state.registry
    try:
        published = await registry.publish(raw.decode("utf-8"), now=datetime.now(UTC))
    except UnicodeDecodeError:
        raise HTTPException(422, "the body is not UTF-8 text") from None
    except PublishConflict as conflict:
        raise _refused(409, conflict) from None
    except PriceBookInvalid as invalid:
        raise _refused(422, invalid) from None
    metrics.PRICE_BOOKS_PUBLISHED.inc(int(published.created))
    body = PublishedPublic(
        version=published.book.version,
        effective_from=published.book.effective_from,
        generation=published.generation,
        created=published.created,
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=201 if published.created else 200)
