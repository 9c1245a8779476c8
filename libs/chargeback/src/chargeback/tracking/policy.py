"""The one failure policy of every consumer.

- A part that does not answer (a store, the broker: `transient`) is waited for: the
  consumer backs off, doubling its pause up to a bound, stays in its group (it keeps
  polling between pauses, so its heartbeats and poll interval hold) and resumes from
  the stored positions. These tries are not counted: an outage never quarantines data.
- Any other failure may be the data's: a batch is tried `max_tries` times (with the
  same back-off), then its partition is split in halves until the records that fail
  alone are found; each is quarantined (dead letter, position moved past it) and
  everything around it is applied. Never a skip without a dead letter.
- Poison is rare: after `max_quarantined_in_a_row` records quarantined with none applied
  in between, the stage itself is taken to be failing (a bug, a bad configuration), and
  its failures are waited out like an outage until a record is applied again, rather
  than every record being set aside.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, NodeNotReadyError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Failures of a part, not of the data. Services add their own (e.g. SQLAlchemy's).
TRANSIENT: tuple[type[BaseException], ...] = (
    ConnectionError,
    TimeoutError,
    OSError,
    RedisConnectionError,
    RedisTimeoutError,
    KafkaConnectionError,
    KafkaTimeoutError,
    NodeNotReadyError,
)


class Unavailable(Exception):
    """Raised by a store adapter to say: I could not be reached (a transient failure)."""


@dataclass
class FailurePolicy:
    max_tries: int = 3
    max_quarantined_in_a_row: int = 5
    first_pause_s: float = 0.5
    max_pause_s: float = 10.0
    transient: tuple[type[BaseException], ...] = ()
    _pause_s: float = field(default=0.0, init=False)

    def is_transient(self, error: BaseException) -> bool:
        """A failure of a part (not of the data), also when wrapped by another exception."""
        kinds = (Unavailable, *TRANSIENT, *self.transient)
        seen: BaseException | None = error
        for _ in range(8):  # causes nest a few levels deep at most
            if seen is None:
                return False
            if isinstance(seen, kinds):
                return True
            seen = seen.__cause__ or seen.__context__
        return False

    def next_pause(self) -> float:
        """How long to wait before the next try: doubling, bounded, with some jitter."""
        self._pause_s = min(self.max_pause_s, max(self.first_pause_s, self._pause_s * 2))
        return self._pause_s * random.uniform(0.8, 1.2)

    def recovered(self) -> None:
        self._pause_s = 0.0
