"""One way to run an in-process aiohttp server: the webhook, the CRM callback server and the OAuth
redirect listener all start and stop theirs through `LoopbackServer`, and so all get the same limits:

- a header-read deadline: a connection that sends no complete request head within
  `header_timeout_s` (nothing at all, or headers dripped a byte at a time) is closed; the same
  deadline closes an idle kept-alive connection;
- a connection cap: beyond `max_connections` open at once, a new connection is answered 503 and
  closed at once, so idle connections held against one listener can't exhaust the process's file
  descriptors;
- a body cap and deadline: a body over `max_body` bytes is 413, one not received within
  `body_timeout_s` is 408;
- GET and POST only: HEAD and any other method is 405;
- nothing a request carried reaches a log: the access log is off, and aiohttp's own server log
  (which quotes the start of an over-long or malformed request line, query string and all) is
  replaced by one line naming the listener and the kind of fault;
- a warning when the listener is bound beyond loopback.

No signal handlers are installed (the server runs inside the app's loop). Where the port is 0 the
system picks one; `port` then says which.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

log = logging.getLogger(__name__)

HEADER_TIMEOUT_S = 10.0
BODY_TIMEOUT_S = 10.0
MAX_CONNECTIONS = 64
MAX_BODY = 16 * 1024
MAX_LINE = 8190  # request line and each header field (aiohttp's default, made explicit)
METHODS = frozenset({"GET", "POST"})

Refusal = Callable[[int, str], web.StreamResponse]  # (status, message) → the listener's error shape

_BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 22\r\n"
         b"Retry-After: 1\r\nConnection: close\r\n\r\ntoo many connections\r\n")


def plain_refusal(status: int, message: str) -> web.StreamResponse:
    return web.json_response({"ok": False, "error": message}, status=status)


def same_secret(offered: str, expected: str) -> bool:
    """Whether `offered` is `expected`, in time that depends on neither's content or length (both are
    hashed first), and for any text a request can carry (undecodable bytes included)."""
    def digest(text: str) -> bytes:
        return hashlib.sha256(text.encode("utf-8", "surrogateescape")).digest()
    return hmac.compare_digest(digest(offered), digest(expected))


def is_loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class _ServerLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """aiohttp's server logger, minus what the request carried.

    A malformed request (an over-long line, a bad header…) is logged by aiohttp with the exception,
    whose text quotes the request line; here it becomes one debug line with the fault's kind only.
    Other failures (a handler's own bug) keep their traceback, at ERROR, without aiohttp's text."""

    def __init__(self, name: str) -> None:
        super().__init__(log, {})
        self.listener = name

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info")
        if isinstance(exc, tuple):
            exc = exc[1]
        if not isinstance(exc, BaseException) or isinstance(exc, HttpProcessingError | ConnectionError):
            kind = type(exc).__name__ if isinstance(exc, BaseException) else "notice"
            self.logger.debug("%s: a malformed or broken request was refused (%s)", self.listener, kind)
            return
        self.logger.error("%s: a request failed", self.listener, exc_info=exc)

    def process(self, msg: object, kwargs: MutableMapping[str, Any]) -> tuple[object, MutableMapping[str, Any]]:
        return msg, kwargs


class _Counted(asyncio.Protocol):
    """Passes everything to aiohttp's handler; counts the connection while it is open."""

    def __init__(self, inner: asyncio.Protocol, gone: Callable[[], None]) -> None:
        self._inner = inner
        self._gone: Callable[[], None] | None = gone

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received()

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        gone, self._gone = self._gone, None
        if gone is not None:
            gone()
        self._inner.connection_lost(exc)


class _Busy(asyncio.Protocol):
    """A connection over the cap: told so and closed before anything is read."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(_BUSY)
        transport.close()


class _CappedSite(web.BaseSite):
    """aiohttp's TCPSite, with a protocol factory that refuses connections beyond the cap."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int, cap: int) -> None:
        super().__init__(runner)
        self._host, self._port, self._cap = host, port, cap
        self.open_connections = 0

    @property
    def name(self) -> str:
        return f"http://{host_text(self._host)}:{self._port}"

    def _closed(self) -> None:
        self.open_connections -= 1

    def _protocol(self) -> asyncio.Protocol:
        if self.open_connections >= self._cap:
            return _Busy()
        server = self._runner.server
        assert server is not None
        self.open_connections += 1
        return _Counted(server(), self._closed)

    async def start(self) -> None:
        await super().start()
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._protocol, self._host, self._port)


def host_text(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


class LoopbackServer:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        name: str = "listener",
        refusal: Refusal = plain_refusal,
        max_body: int = MAX_BODY,
        max_connections: int = MAX_CONNECTIONS,
        header_timeout_s: float | None = None,
        body_timeout_s: float | None = None,
        shutdown_timeout_s: float = 60.0,
    ) -> None:
        self.host = host
        self.port = port  # the bound port once started
        self.name = name
        self._refusal = refusal
        self._max_body = max_body
        self._max_connections = max_connections
        # Read at start, not import, so a test can shorten the module's deadlines.
        self._header_timeout_s = header_timeout_s
        self._body_timeout_s = body_timeout_s
        self._shutdown_timeout_s = shutdown_timeout_s
        self._runner: web.AppRunner | None = None
        self._site: _CappedSite | None = None

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def open_connections(self) -> int:
        return self._site.open_connections if self._site is not None else 0

    async def start(self, app: web.Application) -> int:
        """Serve `app` (its middlewares get the limits' guard in front); returns the bound port.
        Raises OSError (having cleaned up) when the address can't be had: the caller says so in its
        own words."""
        if self._runner is not None:
            return self.port
        app.middlewares.insert(0, self._guard())
        header_timeout = HEADER_TIMEOUT_S if self._header_timeout_s is None else self._header_timeout_s
        runner = web.AppRunner(
            app, handle_signals=False, shutdown_timeout=self._shutdown_timeout_s,
            access_log=None, logger=_ServerLog(self.name), keepalive_timeout=header_timeout,
            max_line_size=MAX_LINE, max_field_size=MAX_LINE, lingering_time=1.0)
        await runner.setup()
        site = _CappedSite(runner, self.host, self.port, self._max_connections)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner, self._site = runner, site
        self.port = int(runner.addresses[0][1])
        if not is_loopback(self.host):
            log.warning("The %s listens on %s:%d, beyond this computer: other machines can reach it.",
                        self.name, host_text(self.host or "*"), self.port)
        return self.port

    async def stop(self) -> None:
        runner, self._runner, self._site = self._runner, None, None
        if runner is not None:
            await runner.cleanup()

    def _guard(self) -> Callable[..., Awaitable[web.StreamResponse]]:
        refuse, max_body = self._refusal, self._max_body
        body_timeout = BODY_TIMEOUT_S if self._body_timeout_s is None else self._body_timeout_s

        @web.middleware
        async def guard(request: web.Request,
                        handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
            if request.method not in METHODS:
                response = refuse(405, f"method {request.method} is not allowed (use GET or POST)")
                response.headers["Allow"] = "GET, POST"
                return response
            if request.body_exists:
                too_big = refuse(413, f"body: larger than {max_body} bytes")
                if request.content_length is not None and request.content_length > max_body:
                    return too_big
                try:
                    async with asyncio.timeout(body_timeout):
                        body = await request.read()  # kept: the handler's read()/json()/post() reuse it
                except TimeoutError:
                    return refuse(408, f"body: not received within {body_timeout:g} s")
                except web.HTTPRequestEntityTooLarge:
                    return too_big
                if len(body) > max_body:
                    return too_big
            return await handler(request)

        return guard
