"""The journal, the charges behind an entry, and the trial balance of a period (finance)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel

from billing.domain.trial_balance import trial_balance
from billing.entrypoints.http.deps import (
    After,
    Books,
    Caller,
    Limit,
    Settings,
    finance_only,
    page_limit,
    valid_period,
)
from billing.entrypoints.http.schemas import ChargePagePublic, ChargePublic, decimal_text
from chargeback.web import errors
from chargeback.web.params import OptionalCustomerQuery, OptionalPeriodQuery, PeriodQuery

router = APIRouter(tags=["accounting"])


class JournalLinePublic(BaseModel):
    account: str
    debit: str
    credit: str


class JournalEntryPublic(BaseModel):
    id: int
    period: str
    customer: str
    currency: str
    source: str
    description: str
    service: str | None
    usage_period: str | None
    memo: bool  # showback: memorandum accounts, outside receivables and income
    document_id: int | None
    posted_at: datetime
    lines: list[JournalLinePublic]


class JournalPagePublic(BaseModel):
    entries: list[JournalEntryPublic]
    next_after: int | None


@router.get("/v1/journal", responses=errors(400, 403))
async def journal(
    caller: Caller,
    books: Books,
    settings: Settings,
    period: OptionalPeriodQuery = None,
    customer: OptionalCustomerQuery = None,
    account: Annotated[str | None, Query(max_length=160)] = None,
    limit: Limit = None,
    after: After = 0,
) -> JournalPagePublic:
    """Journal entries (each with its balanced lines), oldest first, page by page."""
    finance_only(caller, "read the journal")
    size = page_limit(limit, settings)
    found = await asyncio.to_thread(
        books.journal,
        period=str(valid_period(period)) if period is not None else None,
        customer=customer,
        account=account,
        after=after,
        limit=size,
    )
    entries = [
        JournalEntryPublic(
            **{k: getattr(e, k) for k in JournalEntryPublic.model_fields if k != "lines"},
            lines=[
                JournalLinePublic(account=a, debit=decimal_text(d), credit=decimal_text(c))
                for a, d, c in e.lines
            ],
        )
        for e in found
    ]
    return JournalPagePublic(
        entries=entries, next_after=found[-1].id if len(found) == size else None
    )


@router.get(
    "/v1/journal/{entry_id}/charges", responses=errors(403, 404, r404="No such journal entry")
)
async def charges_of_entry(
    caller: Caller,
    books: Books,
    settings: Settings,
    entry_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    limit: Limit = None,
    after: After = 0,
) -> ChargePagePublic:
    """The rated charges (event ids) a usage entry posted."""
    finance_only(caller, "read the journal")
    size = page_limit(limit, settings)
    found = await asyncio.to_thread(books.entry_charges, entry_id, after=after, limit=size)
    if found is None:
        raise HTTPException(404, f"no journal entry {entry_id}")
    entry, page = found
    return ChargePagePublic(
        customer=entry.customer,
        period=entry.period,
        service=entry.service,
        meter=None,
        charges=[ChargePublic.of(c) for c in page],
        next_after=page[-1].id if len(page) == size else None,
    )


class AccountBalancePublic(BaseModel):
    account: str
    account_type: str
    currency: str
    debit: str
    credit: str
    balance: str  # debit - credit


class CurrencyTotalsPublic(BaseModel):
    currency: str
    debit: str
    credit: str
    balanced: bool


class TrialBalancePublic(BaseModel):
    period: str
    balanced: bool
    accounts: list[AccountBalancePublic]
    totals: list[CurrencyTotalsPublic]


@router.get("/v1/trial-balance", responses=errors(400, 403))
async def trial_balance_of(caller: Caller, books: Books, period: PeriodQuery) -> TrialBalancePublic:
    """Every account's debits and credits posted for the period; debits = credits."""
    finance_only(caller, "read the trial balance")
    month = str(valid_period(period))
    tb = trial_balance(month, await asyncio.to_thread(books.postings, month))
    return TrialBalancePublic(
        period=month,
        balanced=tb.balanced,
        accounts=[
            AccountBalancePublic(
                account=a.account,
                account_type=a.account_type,
                currency=a.currency,
                debit=decimal_text(a.debit),
                credit=decimal_text(a.credit),
                balance=decimal_text(a.balance),
            )
            for a in tb.accounts
        ],
        totals=[
            CurrencyTotalsPublic(
                currency=t.currency,
                debit=decimal_text(t.debit),
                credit=decimal_text(t.credit),
                balanced=t.balanced,
            )
            for t in tb.totals
        ],
    )
