"""The finalization scheduler: every few minutes, finalize periods past their end + grace."""

from __future__ import annotations

import asyncio
import logging

from billing import metrics
from billing.adapters.ledger import SqlBooks, SqlLedger
from billing.service_layer.finalization import finalize_due
from billing.settings import BillingSettings
from terms.service_layer.registry import PriceBookRegistry

log = logging.getLogger(__name__)


async def finalize_periodically(
    ledger: SqlLedger, books: SqlBooks, registry: PriceBookRegistry, settings: BillingSettings
) -> None:
    """Runs until cancelled; a failed round is logged and retried at the next one. Each
    round closes periods on the price-book versions published at that moment."""
    while True:
        try:
            catalog = await registry.refresh()
            numbers = await asyncio.to_thread(
                finalize_due,
                ledger,
                books,
                catalog=catalog,
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
