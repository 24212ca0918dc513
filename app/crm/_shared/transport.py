"""The transport under every CRM client: httpx's API on aiohttp's client.

httpx gives the connectors their API (requests, responses, timeouts, typed errors); aiohttp's client
carries the bytes. A kept-alive request's round trip on loopback under qasync took 0.38 ms this way
against 0.96 ms through httpx's own transport (httpcore over anyio), which also wrote a request two
or more loop turns after `send`. That is event-loop time a ringing card's lookups and paint share.

What each side keeps, so connectors see httpx's behaviour:
- httpx: cookies, redirects (not followed), decoding of gzip/deflate bodies, URL building, auth;
- aiohttp: the connection pool, TLS (with httpx's certificate bundle), DNS off the loop; proxies from
  the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY) are read as httpx reads them.
aiohttp's own re-sending of a request on a broken connection is off: httpx never re-sends.

`_httpx_error` turns aiohttp's errors into httpx's, keeping the one distinction callers act on:
whether anything may have reached the server (`ConnectError`/`ConnectTimeout`: nothing was sent).
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from functools import cache
from urllib.request import getproxies, proxy_bypass

import aiohttp
import httpx
from yarl import URL

_CHUNK = 64 * 1024


@cache
def _tls() -> ssl.SSLContext:
    # One context for the process: each loads the certificate bundle (milliseconds, and memory).
    return httpx.create_ssl_context()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx transport that sends through one aiohttp session, created on first use inside the
    running loop. `limits` as httpx's: total connections and how long an idle one is kept (aiohttp
    has no separate cap on idle ones)."""

    def __init__(self, limits: httpx.Limits | None = None) -> None:
        self._limits = limits or httpx.Limits()
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], tuple[URL | None, dict[str, str] | None]] = {}

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                ssl=_tls(), limit=self._limits.max_connections or 0,
                keepalive_timeout=self._limits.keepalive_expiry,  # None: kept for good, in both
                resolver=aiohttp.ThreadedResolver(),  # getaddrinfo off the loop, whatever else is installed
            )
            # httpx keeps the cookies; a jar here would go on sending those httpx was told to forget.
            session = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                            auto_decompress=False)
            # aiohttp sends a GET, PUT or DELETE again when the connection breaks under it. Some of
            # ours act (FixDigital's incomingCall, TrackerRMS's screen pop are GETs), and a failed
            # second try would report the first, delivered one as never sent. httpx never re-sends.
            # (A private switch, the one aiohttp's own test client uses; tests fail if it stops working.)
            session._retry_connection = False
            self._session = session
        return self._session

    def _proxy(self, url: URL) -> tuple[URL | None, dict[str, str] | None]:
        key = (url.scheme, url.host or "")
        found = self._proxies.get(key)
        if found is None:
            found = self._proxies[key] = _env_proxy(url)
        return found

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = self._open()
        timeout = request.extensions.get("timeout", {})
        # As httpx encoded it, byte for byte; credentials in it are already an Authorization header.
        url = URL(str(request.url), encoded=True).with_user(None)
        proxy, proxy_headers = self._proxy(url)
        body = await request.aread()
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
        if proxy_headers and url.scheme == "http":  # sent to the proxy with the request itself, not a CONNECT
            headers.extend(proxy_headers.items())
        with _as_httpx_errors():
            response = await session.request(
                request.method, url, data=body or None, headers=headers,
                # httpx set every header it means to send; aiohttp adds none of its own.
                skip_auto_headers=("Accept", "Accept-Encoding", "User-Agent", "Content-Type"),
                allow_redirects=False, proxy=proxy, proxy_headers=proxy_headers,
                timeout=aiohttp.ClientTimeout(
                    total=None, connect=timeout.get("pool"), sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            )
        # httpx reads a reason phrase as ASCII and drops the rest; so does this.
        reason = (response.reason or "").encode("ascii", "ignore")
        return httpx.Response(
            response.status, headers=list(response.raw_headers), stream=_Body(response), request=request,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": reason},
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _env_proxy(url: URL) -> tuple[URL | None, dict[str, str] | None]:
    """The proxy the environment names for `url`, as httpx reads it: <scheme>_PROXY, then ALL_PROXY,
    unless NO_PROXY covers the host. Credentials in the proxy's address go as Proxy-Authorization;
    ~/.netrc is not read (aiohttp's trust_env would)."""
    if url.host is not None and proxy_bypass(url.host):
        return None, None
    proxies = getproxies()
    named = proxies.get(url.scheme) or proxies.get("all")
    if not named:
        return None, None
    proxy = URL(named if "://" in named else f"http://{named}")
    if proxy.scheme not in ("http", "https"):  # named without its credentials: the message is shown and kept
        raise httpx.UnsupportedProtocol(
            f"Proxies of the kind {proxy.scheme}:// are not supported ({proxy.with_user(None)}).")
    if proxy.user is None:
        return proxy, None
    return proxy.with_user(None), {"Proxy-Authorization": aiohttp.encode_basic_auth(proxy.user, proxy.password or "")}


class _Body(httpx.AsyncByteStream):
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors():
            async for chunk in self._response.content.iter_chunked(_CHUNK):
                yield chunk

    async def aclose(self) -> None:
        # A body read to its end returns the connection to the pool; one left unread closes it.
        self._response.release()


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except (aiohttp.ClientError, OSError) as exc:
        raise _httpx_error(exc) from _cause(exc)


def _cause(exc: BaseException) -> BaseException:
    # The ssl module's own error, not aiohttp's copy of its type: it carries the reason in words.
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return exc.certificate_error
    if isinstance(exc, aiohttp.ClientConnectorError) and isinstance(exc.os_error, ssl.SSLError):
        return exc.os_error
    return exc


def _httpx_error(exc: BaseException) -> httpx.TransportError:
    """httpx's error for an aiohttp one. Only failures before the connection was made say nothing
    was sent; anything later may have reached the server, so a write is not blindly repeated."""
    text = str(exc) or exc.__class__.__name__
    error: type[httpx.TransportError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):  # connecting, or waiting for a free connection
        error = httpx.ConnectTimeout
    elif isinstance(exc, aiohttp.ServerTimeoutError):  # connected and sent: no answer in time
        error = httpx.ReadTimeout
    elif isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ClientHttpProxyError):
        # Refused, no such host, certificate refused (the ssl error stays in the chain), or the proxy
        # would not connect us: nothing reached the server.
        error = httpx.ConnectError
    elif isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientResponseError):
        error = httpx.RemoteProtocolError  # closed before a whole answer, or not HTTP
    else:
        error = httpx.ReadError  # reset mid-exchange, a body cut short, any other socket error
    return error(text)
