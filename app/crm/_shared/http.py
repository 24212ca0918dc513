"""The HTTP layer every connector shares: send a request, turn each outcome into a typed error.

    Http.send()   → httpx.Response (2xx only, body read within the limit) or a ConnectorError:
        can't connect / DNS            → Unavailable("Can't reach <service> (<host>)…")
        timed out before sending       → Unavailable(sent=False)
        timed out or broke off after   → Unavailable(sent=True)  (a write may have gone through)
        past the overall deadline      → Unavailable(sent=True)
        401                            → auth.refresh() once, retry once; then NeedsSignIn
        429, 503                       → RateLimited(retry_after from Retry-After)
        other 5xx                      → Unavailable
        3xx                            → Unavailable (a redirect is a fault of the path there: retried)
        other 4xx                      → Rejected(status, with the CRM's own message if it gave one)
        2xx over the size limit        → BadResponse (nothing of it is used, so nothing is cached)
    Http.decode() → JSON, or BadResponse when the body is not JSON or nests too deeply
    Http.parse()  → a pydantic-validated value, or BadResponse naming the shape that was expected

Every request is bounded (app.crm._shared.answers): its body is streamed and reading stops at the
client's answer limit, the whole exchange runs under an overall deadline, and a large JSON body is
parsed on a worker thread. Messages name the service and host and never include tokens, secrets or
request bodies: they are shown on cards and written to history. The auth strategy (`Auth`) is
pluggable, so OAuth bearer tokens (app.crm._shared.oauth_tokens.OAuthClient), API-key headers and
the like all use the same path.
"""

from __future__ import annotations

import asyncio
import logging
import math
import ssl
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol, TypeVar

import httpx
from pydantic import TypeAdapter, ValidationError

from app.crm._shared.answers import TooLarge, limits_of, read_limited, read_response
from app.crm._shared.json_limits import TooDeep
from app.errors import BadResponse, NeedsSignIn, RateLimited, Rejected, Unavailable

log = logging.getLogger(__name__)

T = TypeVar("T")

# Keys under which CRMs put a human-readable reason in an error body (ASP.NET, OAuth, retailCRM…).
_MESSAGE_KEYS = ("Message", "message", "error_description", "errorMsg", "ExceptionMessage", "detail",
                 "title", "error")
_MAX_MESSAGE = 200
# Form fields that carry credentials in OAuth and the CRMs' APIs.
_SECRET_FIELDS = frozenset({"client_secret", "refresh_token", "access_token", "token", "code", "code_verifier",
                            "password", "apikey", "api_key"})


class Auth(Protocol):
    """How a connector authenticates. `headers()` is called before every attempt; after a 401,
    `refresh(failed)` gets the headers that were refused and one chance to fix things (or raise
    NeedsSignIn), and the request is retried once."""

    async def headers(self) -> dict[str, str]: ...

    async def refresh(self, failed: Mapping[str, str]) -> None: ...


class ApiKeyAuth:
    """A fixed header (`X-API-KEY: …`). A refused key cannot be refreshed: the user must fix it."""

    def __init__(self, header: str, key: str, refused_message: str) -> None:
        self._header = header
        self._key = key
        self._refused = refused_message

    async def headers(self) -> dict[str, str]:
        return {self._header: self._key}

    async def refresh(self, failed: Mapping[str, str]) -> None:
        raise NeedsSignIn(self._refused)


class Http:
    """Requests to one service through an injected (pooled) client. The client owns the timeout
    unless `timeout` is given, and the answer limit and overall deadline (answers.limits_of); the
    client's owner closes it."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        service: str,
        base_url: str,
        auth: Auth | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> None:
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.host = httpx.URL(self.base_url).netloc.decode("ascii", "replace")
        self._client = client
        self._auth = auth
        self._headers = dict(headers or {})
        self._timeout = timeout
        self.max_answer_bytes, self.deadline_s = limits_of(client)
        self._adapters: dict[Any, TypeAdapter[Any]] = {}

    # -- sending ---------------------------------------------------------------------------------

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        basic_auth: tuple[str, str] | None = None,
        authenticate: bool = True,
    ) -> httpx.Response:
        """Send `method path` (relative to base_url, or an absolute URL) and return a 2xx response."""
        auth = self._auth if authenticate else None
        for attempt in (1, 2):
            auth_headers = await auth.headers() if auth is not None else {}
            response = await self._send_once(
                method, path, params=params, json=json, data=data,
                headers={**self._headers, **(headers or {}), **auth_headers}, basic_auth=basic_auth,
            )
            if response.status_code == 401 and auth is not None and attempt == 1:
                log.info("%s answered 401 to %s %s; refreshing credentials once", self.service, method, path)
                await auth.refresh(auth_headers)
                continue
            self._check_status(response, _credentials(auth_headers, data, basic_auth))
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send_once(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None,
        json: Any,
        data: Mapping[str, str] | None,
        headers: dict[str, str],
        basic_auth: tuple[str, str] | None,
    ) -> httpx.Response:
        url = path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"
        request = self._client.build_request(
            method, url, params=params, json=json, data=data, headers=headers,
            timeout=self._timeout if self._timeout is not None else httpx.USE_CLIENT_DEFAULT,
        )
        auth = httpx.BasicAuth(*basic_auth) if basic_auth is not None else None
        try:
            # httpx's timeouts are per phase (a byte a second never trips them): this one is for
            # the whole exchange, answer included.
            async with asyncio.timeout(self.deadline_s):
                response = await self._read(request, auth)
        except TimeoutError:
            log.info("%s %s %s: past the %g s deadline", self.service, method, path, self.deadline_s)
            raise Unavailable(
                f"{self.service} ({self.host}) took too long to answer; "
                "the request may still have gone through.",
                sent=True,
            ) from None
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # Nothing left this machine: safe to retry anything.
            log.info("%s %s %s: %s", self.service, method, path, type(exc).__name__)
            tls = _tls_problem(exc)
            if tls is not None:
                raise Unavailable(
                    f"Certificate problem with {self.service} ({self.host}): {tls}. Nothing was sent. "
                    "Check the address; if your network inspects secure traffic, ask whoever runs it "
                    "to let this host through."
                ) from None
            if isinstance(exc, httpx.ConnectError):
                raise Unavailable(
                    f"Can't reach {self.service} ({self.host}). Check the internet connection "
                    "or try again shortly."
                ) from None
            raise Unavailable(f"{self.service} ({self.host}) took too long to answer.") from None
        except httpx.UnsupportedProtocol as exc:
            # An address or a proxy (from the environment) of a kind Ringside cannot use: nothing was sent.
            raise Unavailable(f"Can't reach {self.service} ({self.host}): {exc}") from None
        except httpx.TimeoutException as exc:
            # ReadTimeout / WriteTimeout: the request (or part of it) went out, the outcome is unknown.
            log.info("%s %s %s: %s", self.service, method, path, type(exc).__name__)
            raise Unavailable(
                f"{self.service} ({self.host}) took too long to answer; "
                "the request may still have gone through.",
                sent=True,
            ) from None
        except httpx.TransportError as exc:
            # Reset or closed mid-exchange (RemoteProtocolError, ReadError, WriteError…).
            log.info("%s %s %s: %s", self.service, method, path, type(exc).__name__)
            raise Unavailable(
                f"The connection to {self.service} ({self.host}) broke off; "
                "the request may still have gone through.",
                sent=True,
            ) from None
        log.debug("%s %s %s → %s", self.service, method, path, response.status_code)
        return response

    async def _read(self, request: httpx.Request, auth: httpx.BasicAuth | None) -> httpx.Response:
        """Send and read the body up to the answer limit. An oversized 2xx is a BadResponse; an
        oversized error page is dropped (its status says enough)."""
        streamed = await self._client.send(request, auth=auth or httpx.USE_CLIENT_DEFAULT, stream=True)
        try:
            body = await read_limited(streamed, self.max_answer_bytes)
        except TooLarge:
            if 200 <= streamed.status_code < 300:
                log.info("%s sent more than %d bytes; stopped reading", self.service, self.max_answer_bytes)
                raise BadResponse(
                    f"{self.service} sent an answer over {_size(self.max_answer_bytes)}, "
                    "more than Ringside reads; nothing of it was used."
                ) from None
            body = b""
        finally:
            await streamed.aclose()
        response = read_response(streamed, body)
        await response.parse_off_loop()
        return response

    def _check_status(self, response: httpx.Response, secrets: AbstractSet[str] = frozenset()) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        if status == 401:
            raise NeedsSignIn(f"{self.service} needs you to sign in again.")
        if status in (429, 503):
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            when = "try again shortly" if retry_after is None else f"try again in {math.ceil(retry_after)} s"
            raise RateLimited(f"{self.service} is busy and asked us to slow down; {when}.", retry_after)
        if status >= 500:
            # A gateway timeout is a read timeout one hop further away: the CRM may have acted.
            raise Unavailable(
                f"{self.service} had a problem answering (HTTP {status}). Try again shortly.",
                sent=status == 504,
            )
        if 300 <= status < 400:
            # A login page, a moved host or a proxy in the way: nothing was done, and it may pass.
            raise Unavailable(
                f"{self.service} ({self.host}) answered with a redirect (HTTP {status}) instead of an "
                "answer; Ringside tries again later. If it lasts, check the account's address."
            )
        reason = _scrub(self.error_message(response), secrets)
        if status == 403:
            raise Rejected(
                f"{self.service} did not allow this" + (f": {reason}" if reason else f" (HTTP {status})."),
                status,
            )
        raise Rejected(
            f"{self.service} refused the request" + (f": {reason}" if reason else f" (HTTP {status})."),
            status,
        )

    @staticmethod
    def error_message(response: httpx.Response) -> str | None:
        """The CRM's own reason from a JSON error body, trimmed to a line; None if it gave none."""
        try:
            body = response.json()
        except (ValueError, RecursionError):
            return None
        if not isinstance(body, dict):
            return None
        for key in _MESSAGE_KEYS:
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                text = " ".join(value.split())
                return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"
        return None

    # -- reading ---------------------------------------------------------------------------------

    def decode(self, response: httpx.Response) -> Any:
        """The body as JSON; an HTML error page or truncated JSON is a BadResponse, not a crash."""
        try:
            return response.json()
        except (TooDeep, RecursionError):
            log.info("%s sent JSON nested too deeply (HTTP %s)", self.service, response.status_code)
            raise BadResponse(f"{self.service} answered JSON nested too deeply to read.") from None
        except ValueError:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
            log.info(
                "%s sent a non-JSON body (HTTP %s, %s, %d bytes)", self.service, response.status_code,
                response.headers.get("Content-Type", "no content type"), len(response.content),
            )
            raise BadResponse(f"{self.service} answered something that is not JSON.") from None

    def parse(self, data: Any, shape: type[T], what: str) -> T:
        """Validate `data` as `shape` (a pydantic model, `list[Model]`…). `what` names the expected
        shape for the message, e.g. "a list of matching records"."""
        adapter = self._adapters.get(shape)
        if adapter is None:
            adapter = self._adapters[shape] = TypeAdapter(shape)
        try:
            result: T = adapter.validate_python(data)
        except ValidationError as exc:
            log.info("%s answered an unexpected shape: %s", self.service, _summary(exc))
            raise BadResponse(
                f"{self.service} answered in an unexpected shape (expected {what})."
            ) from None
        return result

    async def fetch(self, method: str, path: str, shape: type[T], what: str, **kwargs: Any) -> T:
        """send + decode + parse: the usual way to read a JSON resource."""
        response = await self.send(method, path, **kwargs)
        return self.parse(self.decode(response), shape, what)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if unusable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


def _credentials(
    headers: Mapping[str, str], form: Mapping[str, str] | None, basic: tuple[str, str] | None
) -> set[str]:
    """What we sent that is secret, so an error body echoing it back never reaches a message."""
    found = {value.split(None, 1)[-1] for value in headers.values()}
    found |= {v for k, v in (form or {}).items() if k.lower() in _SECRET_FIELDS}
    if basic is not None:
        found.add(basic[1])
    return {value for value in found if len(value) >= 6}


def _tls_problem(exc: BaseException) -> str | None:
    """What was wrong with the server's certificate, in words, if that is why the connection failed."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            reason = (seen.verify_message or "").strip()
            return f"its certificate isn't trusted ({reason})" if reason else "its certificate isn't trusted"
        if isinstance(seen, ssl.SSLError):
            return f"the secure connection failed ({seen.reason or seen.__class__.__name__})"
        seen = seen.__cause__ or seen.__context__
    return None


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):g} MB" if count >= 1024 * 1024 else f"{count // 1024} KB"


def _scrub(text: str | None, secrets: AbstractSet[str]) -> str | None:
    if text is None:
        return None
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "…")
    return text


def _summary(exc: ValidationError) -> str:
    """Locations and error types only: never the offending input values (they may be personal data)."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['type']}" for e in exc.errors()[:5])
