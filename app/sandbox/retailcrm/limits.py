"""retailCRM's rate limits, as the emulator enforces them: per API key, 10 requests/s in general and
40/s for `/telephony/*` (its own lane), as retailCRM's public API clients pace themselves. Past the
limit the answer is 503, which retailCRM's clients read as "throttled, back off".

Each lane is a token bucket that holds one second's worth of requests and refills at the rate: a
client pacing itself at the rate is never refused (however its requests jitter on the way), and a
burst of more than a second's worth is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

RATE, TELEPHONY_RATE = 10.0, 40.0
API = "/api/v5"


class Buckets:
    def __init__(self, rate: float = RATE, telephony_rate: float = TELEPHONY_RATE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._rates = {"general": rate, "telephony": telephony_rate}
        self._state: dict[tuple[str, str], tuple[float, float]] = {}  # (key, lane) -> (tokens, when)
        self._clock = clock
        self._lock = threading.Lock()

    def take(self, key: str, path: str) -> bool:
        """One request of `key` to `path`: False when it is past the limit."""
        lane = "telephony" if path.removeprefix(API).startswith("/telephony") else "general"
        rate = self._rates[lane]
        with self._lock:
            now = self._clock()
            tokens, when = self._state.get((key, lane), (rate, now))
            tokens = min(rate, tokens + (now - when) * rate)
            allowed = tokens >= 1.0
            self._state[(key, lane)] = (tokens - 1.0 if allowed else tokens, now)
        return allowed


def limit_middleware(buckets: Buckets) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(API + "/"):
            key = request.headers.get("X-API-KEY") or request.query.get("apiKey") or ""
            if not buckets.take(key, request.path):
                return web.json_response({"success": False, "errorMsg": "Rate limit exceeded"}, status=503)
        return await handler(request)

    return middleware
