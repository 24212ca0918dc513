"""retailCRM's rate limits, kept on our side: 10 requests/s per account, 40/s for `/telephony/*`.

One `Pacer` per retailCRM account (per host), shared by everything that talks to it: the connector's
lookups, events and notes, the upload queue's flushes, the account check and `ringside retailcrm
register`. Each request takes the next free slot of its lane (slots are 1/rate apart), so requests
never go out in a burst, however many are started at once. A throttled answer (503, 429) pushes the
whole account's next slot back, so every caller backs off, not only the one that was refused.

Slots are reserved under a thread lock and waited for with asyncio.sleep, so a pacer holds no asyncio
object and may be used from any event loop (the check runs on its own).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import httpx

RATE = 10.0  # requests per second per account
TELEPHONY_RATE = 40.0  # requests per second per account for /telephony/* (their own lane)
TELEPHONY_PREFIX = "/telephony"


def lane(path: str) -> str:
    """"telephony" for the `/telephony/*` methods (with or without `/api/v5` before them), else "general"."""
    tail = httpx.URL(path).path if path.startswith(("http://", "https://")) else path
    tail = tail.split("/api/v5", 1)[-1] if "/api/v5" in tail else tail
    return "telephony" if ("/" + tail.lstrip("/")).startswith(TELEPHONY_PREFIX) else "general"


class Pacer:
    def __init__(self, rate: float = RATE, telephony_rate: float = TELEPHONY_RATE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._gap = {"general": 1.0 / rate, "telephony": 1.0 / telephony_rate}
        self._next = {"general": 0.0, "telephony": 0.0}
        self._clock = clock
        self._lock = threading.Lock()

    def reserve(self, path: str) -> float:
        """Take the next free slot of the path's lane; returns how long to wait for it (seconds)."""
        which = lane(path)
        with self._lock:
            now = self._clock()
            slot = max(now, self._next[which])
            self._next[which] = slot + self._gap[which]
        return slot - now

    async def wait(self, path: str) -> None:
        delay = self.reserve(path)
        if delay > 0:
            await asyncio.sleep(delay)

    def hold(self, seconds: float) -> None:
        """retailCRM said slow down: no request of this account goes out for `seconds`."""
        with self._lock:
            until = self._clock() + seconds
            for which in self._next:
                self._next[which] = max(self._next[which], until)


_pacers: dict[str, Pacer] = {}
_pacers_lock = threading.Lock()


def pacer_for(api_url: str) -> Pacer:
    """The account's pacer: one per retailCRM host (the limits are the account's, whoever asks)."""
    key = httpx.URL(api_url).netloc.decode("ascii", "replace").lower()
    with _pacers_lock:
        found = _pacers.get(key)
        if found is None:
            found = _pacers[key] = Pacer()
        return found
