"""Keep each call's notices to a CRM in order (ring before answer before hang-up).

The switchboard starts every notice as a task of its own and never waits for one; a short call's
hang-up could otherwise overtake its ring on the wire. Different calls still go out side by side.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

KEEP = 256  # calls remembered at most (a call is forgotten at its hang-up)


class CallSteps:
    def __init__(self, keep: int = KEEP) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._keep = keep

    @asynccontextmanager
    async def step(self, call_id: str) -> AsyncIterator[None]:
        """Hold the call's turn. Tasks take their turns in the order they were started (asyncio runs new
        tasks first-in, first-out and its locks are fair)."""
        lock = self._locks.get(call_id)
        if lock is None:
            lock = self._locks[call_id] = asyncio.Lock()
            self._trim()
        async with lock:
            yield

    def forget(self, call_id: str) -> None:
        lock = self._locks.get(call_id)
        if lock is not None and not lock.locked():
            del self._locks[call_id]

    def _trim(self) -> None:
        for call_id in list(self._locks)[: max(0, len(self._locks) - self._keep)]:
            self.forget(call_id)
