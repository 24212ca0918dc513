"""Back-off after failed sign-ins, per source: `FailedAttempts`.

Only failures count, and only against the source that made them. After `free` failures in a row
a source is locked out for `first_lock_s`, doubling with each further failure up to `max_lock_s`;
a success clears its record. A correct request from another source is never slowed by them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

FREE_FAILURES = 5
FIRST_LOCK_S = 1.0
MAX_LOCK_S = 900.0
MAX_SOURCES = 10_000  # the oldest record is forgotten beyond this, so memory stays bounded


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0


class FailedAttempts:
    def __init__(self, *, free: int = FREE_FAILURES, first_lock_s: float = FIRST_LOCK_S,
                 max_lock_s: float = MAX_LOCK_S, clock: Callable[[], float] = time.monotonic) -> None:
        self._free, self._first, self._max, self._clock = free, first_lock_s, max_lock_s, clock
        self._records: dict[str, _Record] = {}

    def locked_for(self, source: str) -> float:
        """Seconds until `source` may try again (0: it may now)."""
        record = self._records.get(source)
        return max(0.0, record.locked_until - self._clock()) if record else 0.0

    def failed(self, source: str) -> None:
        record = self._records.pop(source, None) or _Record()
        self._records[source] = record  # most recent last
        record.failures += 1
        beyond = record.failures - self._free
        if beyond > 0:
            record.locked_until = self._clock() + min(self._first * 2 ** min(beyond - 1, 30), self._max)
        while len(self._records) > MAX_SOURCES:
            del self._records[next(iter(self._records))]

    def succeeded(self, source: str) -> None:
        self._records.pop(source, None)
