"""Accept validated events: claim their identities, produce the new ones, then remember them.

Order matters so that nothing is lost and nothing is charged twice: an identity
is claimed (provisionally) before its event is produced, confirmed for the whole
de-duplication window only after the broker acknowledged it, and released if the
broker did not, so that the emitter's retry is not mistaken for a duplicate.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from chargeback.contracts import UsageEvent
from metering.domain.dedup import Sorting, distinct_keys, sort_claims
from metering.domain.ports import DedupStore, EventPublisher, PublishError, StoreUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DedupPolicy:
    window_s: int  # how long an ingested identity is remembered
    hold_s: int = 120  # how long a claim lasts before its producer must have confirmed it


class EventsInFlight(Exception):
    """Some events are being ingested by another request right now; retry shortly."""

    def __init__(self, events: Sequence[UsageEvent]) -> None:
        self.events = list(events)
        ids = ", ".join(event.id for event in self.events[:10])
        super().__init__(
            f"{len(self.events)} event(s) are being ingested by another request "
            f"(ids: {ids}); retry shortly"
        )


class NotEnqueued(Exception):
    """The broker did not take the events; no identity stays claimed."""


async def ingest(
    events: Sequence[UsageEvent],
    *,
    store: DedupStore,
    publisher: EventPublisher,
    policy: DedupPolicy,
) -> Sorting:
    """Produce the events not seen before; the sorting says which were new and which not."""
    if not events:
        return Sorting()
    owner = secrets.token_hex(8)
    claims = await store.claim(distinct_keys(events), owner=owner, hold_s=policy.hold_s)
    sorting = sort_claims(events, claims)
    if sorting.in_flight:
        # Answering "duplicate" could lose them if that other request fails; so refuse all.
        await _release(store, sorting.claimed_keys, owner)
        raise EventsInFlight(sorting.in_flight)
    if sorting.new:
        try:
            await publisher.publish_events(sorting.new)
        except PublishError as failed:
            await _release(store, sorting.claimed_keys, owner)
            raise NotEnqueued(str(failed)) from failed
        try:
            await store.confirm(sorting.claimed_keys, window_s=policy.window_s)
        except StoreUnavailable:
            # The events are on the log, so this is still a success; only the window is
            # shorter (the claims expire after `hold_s`) and downstream de-duplicates by id.
            log.warning("could not confirm %d claims; they expire early", len(sorting.new))
    return sorting


async def _release(store: DedupStore, keys: list[str], owner: str) -> None:
    try:
        await store.release(keys, owner=owner)
    except StoreUnavailable:
        # The claims expire after `hold_s`; until then a retry is answered "in flight".
        log.warning("could not release %d claims; they expire after the hold", len(keys))
