"""A hostile CRM: answers no connector should trust, for proving that one bad account costs only
its own section of the card.

Each `Hostility` is something a broken or malicious server (or a proxy in the way) really does:
an HTML page with a 200, an answer of tens of megabytes of valid JSON, JSON nested a hundred
thousand levels deep, a body dripped a byte a second, no answer at all, a redirect, and the wrong
JSON shape. `answer()` serves one of them for any request, so it works behind any emulator route
(`Faults.inject(path, FaultKind.HUGE)`…) or on its own as `HostileCrm`, a tiny server answering
every path with its current mode:

    crm = HostileCrm(Hostility.HUGE)
    with SandboxServer(crm.make_app) as server:
        ...                       # point an account's api_url at server.url
        crm.mode = Hostility.DEEP  # any thread

Bodies are generated as they are sent, so the emulator's own memory stays small however large
the answer; writing stops as soon as the client hangs up.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import dataclass
from enum import StrEnum

from aiohttp import web

# How often a hanging or dripping answer checks whether its client has gone.
_POLL_S = 0.05
_CHUNK = 64 * 1024


class Hostility(StrEnum):
    HTML = "html"  # 200, text/html: a captive portal's or a proxy's page
    HUGE = "huge"  # 200, valid JSON, `huge_bytes` long (50 MB by default)
    DEEP = "deep"  # 200, valid JSON nested `deep_levels` deep
    DRIP = "drip"  # 200, JSON that arrives one byte every `drip_interval_s` and never ends
    HANG = "hang"  # headers never come
    REDIRECT = "redirect"  # 302 to elsewhere on the same server
    WRONG_SHAPE = "wrong_shape"  # 200, a JSON object where connectors expect something else


@dataclass(frozen=True)
class HostileSizes:
    huge_bytes: int = 50 * 1024 * 1024
    deep_levels: int = 100_000
    drip_interval_s: float = 1.0


# One record as CRMs send them: the huge answer repeats it.
_RECORD = b'{"ID": 533995, "Entity": 2, "FullName": "Priya Raman", "Title": "Head of Engineering"},'
_HTML = b"""<!DOCTYPE html>
<html><head><title>Sign in to continue</title></head>
<body><form action="/login" method="post"><input name="user"><input name="password" type="password">
</form></body></html>
"""


async def answer(kind: Hostility, request: web.Request, sizes: HostileSizes = HostileSizes(),
                 released: asyncio.Event | None = None) -> web.StreamResponse:
    """Answer `request` the hostile way `kind` says. A hang ends when the client goes or
    `released` is set (server shutdown), whichever comes first."""
    match Hostility(kind):
        case Hostility.HTML:
            return web.Response(body=_HTML, content_type="text/html")
        case Hostility.HUGE:
            return await _huge(request, sizes.huge_bytes)
        case Hostility.DEEP:
            levels = sizes.deep_levels
            return web.Response(body=b"[" * levels + b"]" * levels, content_type="application/json")
        case Hostility.DRIP:
            return await _drip(request, sizes.drip_interval_s, released)
        case Hostility.HANG:
            await _until_gone(request, released)
            return web.Response(status=500)  # the client has gone: aiohttp drops this
        case Hostility.REDIRECT:
            raise web.HTTPFound(location=f"/moved{request.path}")
        case Hostility.WRONG_SHAPE:
            return web.json_response({"Message": "An error has occurred.", "data": {"unexpected": True}})


async def _huge(request: web.Request, size: int) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    response.enable_chunked_encoding()  # no Content-Length: the client must count for itself
    await response.prepare(request)
    chunk = _RECORD * (_CHUNK // len(_RECORD))
    sent = 1
    with contextlib.suppress(ConnectionError):
        await response.write(b"[")
        while sent + len(chunk) < size:
            await response.write(chunk)
            sent += len(chunk)
        await response.write(b'{"ID": 0}]')
        await response.write_eof()
    return response


async def _drip(request: web.Request, interval: float, released: asyncio.Event | None) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    body = b"[" + _RECORD * 1000
    with contextlib.suppress(ConnectionError):
        for byte in body:
            await response.write(bytes([byte]))
            if await _gone_within(request, interval, released):
                break
    return response


async def _until_gone(request: web.Request, released: asyncio.Event | None) -> None:
    while not await _gone_within(request, 3600.0, released):
        pass


async def _gone_within(request: web.Request, seconds: float, released: asyncio.Event | None) -> bool:
    """Wait up to `seconds`; True as soon as the client has hung up or the server is closing."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        transport = request.transport
        if transport is None or transport.is_closing() or (released is not None and released.is_set()):
            return True
        await asyncio.sleep(min(_POLL_S, max(0.0, deadline - loop.time())))
    return False


class HostileCrm:
    """A server answering every path with `mode` (changeable from any thread); `requests` counts
    what it was asked, so a test can see that the next lookup still went out."""

    def __init__(self, mode: Hostility = Hostility.HTML, sizes: HostileSizes = HostileSizes()) -> None:
        self.mode = mode
        self.sizes = sizes
        self._lock = threading.Lock()
        self._requests: list[str] = []

    @property
    def requests(self) -> list[str]:
        """"METHOD path" of every request so far."""
        with self._lock:
            return list(self._requests)

    def make_app(self) -> web.Application:
        app = web.Application()
        released = asyncio.Event()

        async def release(_: web.Application) -> None:
            released.set()  # hanging and dripping answers end, so shutdown never waits on them

        async def handle(request: web.Request) -> web.StreamResponse:
            with self._lock:
                self._requests.append(f"{request.method} {request.path}")
            return await answer(self.mode, request, self.sizes, released)

        app.on_shutdown.append(release)
        app.router.add_route("*", "/{tail:.*}", handle)
        return app
