"""`RecentIds`: a set of the last few call ids, forgetting the oldest beyond its size.

The shell and the note queue remember calls they are done with (a closed card, a note saved or
skipped) only while the core can still send updates for them: it keeps a bounded number of ended
calls in memory, so a set that kept every call id would only grow, call after call.
"""

from __future__ import annotations

KEEP_IDS = 500  # well over the ended calls the core keeps in memory (and any open ones)


class RecentIds:
    """`add(call_id)`, `discard(call_id)` and `call_id in ids`, for the last `size` ids added."""

    def __init__(self, size: int = KEEP_IDS) -> None:
        self._size = size
        self._ids: dict[str, None] = {}  # insertion order: oldest first

    def add(self, call_id: str) -> None:
        self._ids.pop(call_id, None)
        self._ids[call_id] = None
        while len(self._ids) > self._size:
            del self._ids[next(iter(self._ids))]

    def discard(self, call_id: str) -> None:
        self._ids.pop(call_id, None)

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)
