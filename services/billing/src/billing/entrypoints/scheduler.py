"""The finalization scheduler: every few minutes, finalize periods past their end + grace."""

from __future__ import annotations

import asyncio
import logging

from billing import metrics
from billing.adapters.ledger import SqlBooks, SqlLedger
from billing.service_layer.finalization import finalize_due
from billing.settings import BillingSettings

log = logging.getLogger(__name__)


async def finalize_periodically(
    ledger: SqlLedger, books: SqlBooks, settings: BillingSettings
) -> None:
    """Runs until cancelled; a failed round is logged and retried at the next one."""
    while True:
        try:
            numbers = await asyncio.to_thread(
                finalize_due,
                ledger,
                books,
                now=books.clock(),
                default_grace=settings.default_grace,
                default_currency=settings.default_currency,
            )
            metrics.DOCUMENTS_FINALIZED.inc(len(numbers))
            if numbers:
                log.info("finalized %d documents: %s", len(numbers), ", ".join(numbers[:20]))
        except Exception:
            metrics.FINALIZATION_FAILURES.inc()
            log.exception("scheduled finalization failed; retrying next round")
        await asyncio.sleep(settings.finalize_every_s)
