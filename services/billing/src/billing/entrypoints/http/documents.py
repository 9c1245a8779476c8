"""Invoices and statements, listed and one by one; credit notes that correct them."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, Field

from billing.adapters.ledger.credit_notes import UnknownDocumentError
from billing.adapters.ledger.documents import StoredDocument
from billing.domain.credit_notes import CreditNoteError, CreditRequest
from billing.domain.invoices import DocumentType, build_document
from billing.entrypoints.http.deps import (
    After,
    Books,
    Caller,
    Ledger,
    Limit,
    Registry,
    Settings,
    finance_only,
    may_read,
    page_limit,
    scope_customer,
    valid_identifier,
    valid_period,
)
from billing.entrypoints.http.schemas import DocumentPagePublic, DocumentPublic
from billing.service_layer.statements import DocumentView, period_customer
from chargeback.contracts.types import ExactDecimal, Identifier
from chargeback.web import errors
from chargeback.web.params import OptionalCustomerQuery, OptionalPeriodQuery
from terms.domain import Period, PriceBookCatalog

router = APIRouter(tags=["documents"])


@router.get("/v1/documents", responses=errors(400, 403))
async def list_documents(
    caller: Caller,
    ledger: Ledger,
    books: Books,
    registry: Registry,
    settings: Settings,
    customer: OptionalCustomerQuery = None,
    period: OptionalPeriodQuery = None,
    status: Literal["draft", "finalized"] | None = None,
    type: Annotated[DocumentType | None, Query(description="document type")] = None,
    limit: Limit = None,
    after: After = 0,
) -> DocumentPagePublic:
    """Documents by customer, period, status and type; drafts come on the first page."""
    customer = scope_customer(caller, customer)
    if customer is not None:
        customer = valid_identifier(customer, field="customer")
    month = str(valid_period(period)) if period is not None else None
    size = page_limit(limit, settings)
    catalog = await registry.refresh()
    views: list[DocumentView] = []
    stored = []
    if status in (None, "finalized"):
        stored = await asyncio.to_thread(
            books.documents,
            customer=customer,
            period=month,
            document_type=type,
            after=after,
            limit=size,
        )
        views += await asyncio.to_thread(_stored_views, ledger, catalog, stored)
    if status in (None, "draft") and after == 0 and type != "credit_note":
        views += await asyncio.to_thread(
            _drafts, ledger, books, catalog, customer, month, type, size
        )
    return DocumentPagePublic(
        documents=[DocumentPublic.of(v) for v in views],
        next_after=stored[-1].id if len(stored) == size else None,
    )


def _stored_views(
    ledger: Ledger, catalog: PriceBookCatalog, stored: list[StoredDocument]
) -> list[DocumentView]:
    views = []
    for d in stored:
        who, _ = period_customer(ledger, catalog, d.document.customer, d.document.period)
        views.append(DocumentView(d.document, who, d))
    return views


def _drafts(
    ledger: Ledger,
    books: Books,
    catalog: PriceBookCatalog,
    customer: str | None,
    period: str | None,
    type: str | None,
    limit: int,
) -> list[DocumentView]:
    views = []
    for key in books.open_drafts(customer=customer, period=period, limit=limit):
        month = Period.parse(key.period)
        who, _ = period_customer(ledger, catalog, key.customer, month)
        if type is not None and who.statement != type:
            continue
        lines = [
            ln for ln in ledger.draft_lines(key.customer, month) if ln.currency == key.currency
        ]
        document = build_document(
            customer=key.customer,
            period=month,
            currency=key.currency,
            lines=lines,
            document_type=who.statement,
        )
        views.append(DocumentView(document, who, None))
    return views


@router.get("/v1/documents/{number}", responses=errors(403, 404, r404="No such document"))
async def one_document(
    caller: Caller,
    ledger: Ledger,
    books: Books,
    registry: Registry,
    number: Annotated[str, Path(max_length=32, description="e.g. INV-000042")],
) -> DocumentPublic:
    """A finalized document with its frozen lines, by number (e.g. INV-000042)."""
    scope_customer(caller, None)  # emitters: 403 before any lookup
    stored = await asyncio.to_thread(books.document, number)
    if stored is None:
        raise HTTPException(404, f"no document numbered {number!r}")
    may_read(caller, stored.document.customer)
    catalog = await registry.refresh()
    (view,) = await asyncio.to_thread(_stored_views, ledger, catalog, [stored])
    return DocumentPublic.of(view)


class CreditLineCreate(BaseModel):
    service: Identifier
    amount: ExactDecimal
    description: Annotated[str, Field(max_length=512)] = ""


class CreditNoteCreate(BaseModel):
    invoice: Annotated[str, Field(min_length=1, max_length=32, description="number corrected")]
    reason: Annotated[str, Field(min_length=1, max_length=2000)]
    lines: Annotated[list[CreditLineCreate], Field(min_length=1, max_length=100)]


@router.post(
    "/v1/credit-notes",
    status_code=201,
    responses=errors(
        403,
        404,
        409,
        r404="No finalized document with that number",
        r409="Not a creditable invoice, or more than its lines hold",
    ),
)
async def create_credit_note(
    caller: Caller, ledger: Ledger, books: Books, registry: Registry, body: CreditNoteCreate
) -> DocumentPublic:
    """A credit note correcting a finalized invoice; numbered in its own series."""
    finance_only(caller, "issue credit notes")
    requested = [CreditRequest(ln.service, Decimal(ln.amount), ln.description) for ln in body.lines]
    try:
        stored = await asyncio.to_thread(
            books.issue_credit_note,
            invoice_number=body.invoice,
            requested=requested,
            reason=body.reason,
        )
    except UnknownDocumentError as exc:
        raise HTTPException(404, str(exc)) from None
    except CreditNoteError as exc:
        raise HTTPException(409, str(exc)) from None
    catalog = await registry.refresh()
    (view,) = await asyncio.to_thread(_stored_views, ledger, catalog, [stored])
    return DocumentPublic.of(view)
