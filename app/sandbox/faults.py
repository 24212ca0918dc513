"""Injectable latency and faults, shared by every emulator.

Tests (on their own thread) queue faults and set latency; the emulator's middleware (on the
sandbox loop) consumes them. So that no emulator is kinder than the network, each fault kind
mimics something real servers and proxies do: error statuses with Retry-After, HTML error pages
with a 200, truncated JSON, the wrong JSON shape, requests that never answer, dropped connections,
and the hostile answers of app.sandbox.hostile (huge, deeply nested, dripped, redirected).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from app.sandbox.hostile import Hostility, answer
from app.sandbox.journal import CONTROL_PREFIX, Journal, journal_middleware

__all__ = ["Fault", "FaultKind", "Faults", "faults_middleware", "instrument", "journal_middleware"]

# How often a hanging request checks whether its client has gone.
_HANG_POLL_S = 0.05


class FaultKind(StrEnum):
    STATUS = "status"  # that HTTP status, JSON error body, Retry-After when given
    HTML = "html"  # 200 with an HTML error page (captive portals, proxies, WAFs)
    MALFORMED = "malformed"  # 200, application/json, truncated body
    WRONG_SHAPE = "wrong_shape"  # 200, a JSON object where an array is expected
    HANG = "hang"  # no answer until the client gives up (or the fault/server is cleared)
    RESET = "reset"  # connection dropped (TCP RST) without a response
    HUGE = "huge"  # 200, 50 MB of valid JSON, chunked (hostile.Hostility.HUGE)
    DEEP = "deep"  # 200, JSON nested 100,000 levels deep
    DRIP = "drip"  # 200, JSON dripped a byte a second, never ending (until the client goes)
    REDIRECT = "redirect"  # 302 elsewhere on the same server


@dataclass(frozen=True)
class Fault:
    path_prefix: str
    kind: FaultKind
    status: int = 500
    retry_after: float | None = None


@dataclass
class _Queued:
    fault: Fault
    remaining: int


def _default_error_body(status: int) -> dict[str, Any]:
    return {"Message": f"Injected fault: HTTP {status}."}


class Faults:
    """Thread-safe latency settings and a queue of one-shot faults, matched by path prefix."""

    def __init__(self, error_body: Callable[[int], dict[str, Any]] = _default_error_body) -> None:
        self._error_body = error_body
        self._cond = threading.Condition()
        self._latency: dict[str, float] = {}
        self._queue: list[_Queued] = []  # in injection order
        self._hangs: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()

    # --- configuration (any thread) -------------------------------------------------------------

    def set_latency(self, seconds: float, path_prefix: str = "") -> None:
        """Delay requests under `path_prefix` ("" = every route); the longest matching prefix wins."""
        if seconds < 0 or not math.isfinite(seconds):
            raise ValueError("latency must be a finite number of seconds >= 0")
        with self._cond:
            self._latency[path_prefix] = seconds

    def inject(
        self,
        path_prefix: str,
        kind: FaultKind,
        *,
        count: int = 1,
        status: int = 500,
        retry_after: float | None = None,
    ) -> None:
        """Make the next `count` requests under `path_prefix` fail as `kind`. Faults are served in
        the order injected; each request consumes at most one."""
        kind = FaultKind(kind)
        if count < 1:
            raise ValueError("count must be >= 1")
        if kind is FaultKind.STATUS and not 400 <= status <= 599:
            raise ValueError("an injected status must be 4xx or 5xx")
        if retry_after is not None and retry_after < 0:
            raise ValueError("retry_after must be >= 0")
        with self._cond:
            self._queue.append(_Queued(Fault(path_prefix, kind, status, retry_after), count))

    def clear(self) -> None:
        """Remove all latency and queued faults, and let hanging requests proceed."""
        with self._cond:
            self._latency.clear()
            self._queue.clear()
        self.release_hangs()

    def release_hangs(self) -> None:
        with self._cond:
            hangs = list(self._hangs)
        for loop, event in hangs:
            with contextlib.suppress(RuntimeError):  # that loop already closed
                loop.call_soon_threadsafe(event.set)

    # --- inspection (any thread) ----------------------------------------------------------------

    def latency_for(self, path: str) -> float:
        with self._cond:
            matches = [p for p in self._latency if path.startswith(p)]
            return self._latency[max(matches, key=len)] if matches else 0.0

    def pending(self) -> list[Fault]:
        """Faults still queued, one item per remaining request."""
        with self._cond:
            return [q.fault for q in self._queue for _ in range(q.remaining)]

    def hanging(self) -> int:
        with self._cond:
            return len(self._hangs)

    def wait_hanging(self, count: int = 1, timeout: float = 5.0) -> bool:
        """Block until at least `count` requests are hanging or dripping (for tests that must not sleep)."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self._hangs) >= count, timeout)

    # --- serving (sandbox loop) -----------------------------------------------------------------

    def take(self, path: str) -> Fault | None:
        """Consume the first queued fault matching `path`."""
        with self._cond:
            for queued in self._queue:
                if path.startswith(queued.fault.path_prefix):
                    queued.remaining -= 1
                    if queued.remaining == 0:
                        self._queue.remove(queued)
                    return queued.fault
        return None

    async def apply(self, fault: Fault, request: web.Request, handler: Handler) -> web.StreamResponse:
        match fault.kind:
            case FaultKind.STATUS:
                headers = {}
                if fault.retry_after is not None:
                    # delay-seconds is an integer in HTTP; round up so clients never retry early.
                    headers["Retry-After"] = str(math.ceil(fault.retry_after))
                return web.json_response(self._error_body(fault.status), status=fault.status, headers=headers)
            case FaultKind.HTML:
                return web.Response(text=_HTML_ERROR_PAGE, content_type="text/html")
            case FaultKind.MALFORMED:
                return web.Response(text=_TRUNCATED_JSON, content_type="application/json")
            case FaultKind.WRONG_SHAPE:
                return web.json_response({"Message": "An error has occurred."})
            case FaultKind.HANG:
                if await self._hang(request):
                    return await handler(request)  # released by clear()/shutdown: answer normally
                return _undelivered()
            case FaultKind.RESET:
                _reset(request)
                return _undelivered()
            case FaultKind.DRIP:
                return await self._drip(request)
            case FaultKind.HUGE | FaultKind.DEEP | FaultKind.REDIRECT:
                return await answer(Hostility(fault.kind.value), request)

    async def _drip(self, request: web.Request) -> web.StreamResponse:
        """Drip until the client goes, or until released like a hang (so shutdown never waits)."""
        token = (asyncio.get_running_loop(), asyncio.Event())
        with self._cond:
            self._hangs.add(token)
            self._cond.notify_all()
        try:
            return await answer(Hostility.DRIP, request, released=token[1])
        finally:
            with self._cond:
                self._hangs.discard(token)
                self._cond.notify_all()

    async def _hang(self, request: web.Request) -> bool:
        """Wait until released (True) or the client has gone (False)."""
        token = (asyncio.get_running_loop(), asyncio.Event())
        with self._cond:
            self._hangs.add(token)
            self._cond.notify_all()
        try:
            while not token[1].is_set():
                transport = request.transport
                if transport is None or transport.is_closing():
                    return False
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(token[1].wait(), _HANG_POLL_S)
            return True
        finally:
            with self._cond:
                self._hangs.discard(token)
                self._cond.notify_all()


def _undelivered() -> web.Response:
    # Returned after the connection is gone; aiohttp drops it. The journal records status 0.
    return web.Response(status=500)


def _reset(request: web.Request) -> None:
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        # Linger 0 turns close into a TCP RST, as a crashing server or a middlebox would send.
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


_TIMER_SLACK_S = 0.002


async def wait_exactly(seconds: float) -> None:
    """Wait `seconds`, answering within a few hundredths of a millisecond of them. An asyncio timer
    wakes up to a millisecond or two late (the selector waits in whole milliseconds, then the process
    is scheduled again): an emulator whose latency runs over would charge its own lateness to the
    client the benchmarks measure against that latency. So the last 2 ms are waited out by yielding,
    turn by turn, to the loop: other requests keep being served meanwhile."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    if seconds > _TIMER_SLACK_S:
        await asyncio.sleep(seconds - _TIMER_SLACK_S)
    while loop.time() < deadline:  # noqa: ASYNC110 - no event to wait on: the point is to wake on time
        await asyncio.sleep(0)


def faults_middleware(faults: Faults) -> Middleware:
    """aiohttp middleware: apply latency, then the next queued fault for the path, else the handler.
    Sandbox control routes are exempt, so a test can always reach them."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(CONTROL_PREFIX):
            return await handler(request)
        delay = faults.latency_for(request.path)
        if delay > 0:
            await wait_exactly(delay)
        fault = faults.take(request.path)
        if fault is None:
            return await handler(request)
        return await faults.apply(fault, request, handler)

    return middleware


def instrument(app: web.Application, journal: Journal, faults: Faults) -> None:
    """Install the journal (outermost, so it sees injected statuses) and fault middlewares, and
    release hanging requests when the app shuts down so that a hang never blocks server shutdown
    (aiohttp would otherwise wait up to its 60 s graceful timeout). Call before adding routes."""
    app.middlewares.append(journal_middleware(journal))
    app.middlewares.append(faults_middleware(faults))

    async def release(_: web.Application) -> None:
        faults.release_hangs()

    app.on_shutdown.append(release)


_HTML_ERROR_PAGE = """<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><h1>Bad Gateway</h1><p>The proxy server received an invalid response from an upstream server.</p>
</body></html>
"""
# A JSON array cut off mid-string, as a dropped proxy connection leaves it.
_TRUNCATED_JSON = '[{"ID": 533995, "Entity": 2, "FullName": "Priya Ra'
