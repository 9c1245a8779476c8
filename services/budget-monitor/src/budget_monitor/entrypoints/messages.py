"""Translation between topic messages and the domain: rated charges in, alerts out."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError

from budget_monitor.domain import BudgetBook, ChargeFacts, Triggered
from budget_monitor.metrics import CHARGES_EVALUATED
from budget_monitor.service_layer.alert_messages import alert_json
from chargeback import codec
from chargeback.contracts import RatedCharge
from chargeback.tracking import PartitionBatch, Poisoned


def charge_facts(batch: PartitionBatch) -> list[tuple[int, ChargeFacts]]:
    """The rated charges of a batch with their offsets; an unreadable one is poison."""
    charges = []
    for record in batch.records:
        try:
            charge = codec.decode(RatedCharge, record.value)
        except (ValidationError, ValueError) as exc:
            CHARGES_EVALUATED.labels("undecodable").inc()
            raise Poisoned(batch.tp, record.offset, exc) from exc
        facts = ChargeFacts(
            charge.event_key,
            charge.event_id,
            charge.customer,
            charge.service,
            charge.amount,
            charge.currency,
            charge.event_time,
            charge.cost_center,
            tuple(charge.cost_center_path),
        )
        charges.append((record.offset, facts))
    return charges


def alert_message(triggered: Triggered, book: BudgetBook, raised_at: datetime) -> str:
    """The `BudgetAlert` of a crossing, as the JSON published and delivered."""
    return alert_json(triggered.crossing, book, raised_at=raised_at, event_id=triggered.event_id)
