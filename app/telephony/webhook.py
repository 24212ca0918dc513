"""The loopback webhook: softphones and PBXs that can open a URL report calls over HTTP.

    POST /v1/events   {"type": "ring", "number": "0412345678", "direction": "inbound", "call_id": "…"}
    GET  /v1/events?type=ring&number=0412345678          (for tools that can only open a URL)

Every request carries the per-install token, as `Authorization: Bearer <token>` or `?token=<token>`.
The token lives in `webhook-token` in the data folder (owner-only, like instance.json), created
once and kept across restarts; `ringside webhook-info` prints it. A file rather than the keyring so
that hooks can be set up even where no keyring is usable, and so the CLI can read it without
unlocking anything.

Checks, in order: Host must name loopback with our port (403: DNS rebinding); a browser's Origin or
Sec-Fetch-Site must not be another site (403: cross-site requests); the token (401); the event
itself (400, naming the field; JSON nested over 64 levels is 400 too). The listener's own limits
(app/crm/_shared/loopback.py) come first: GET and POST only (405), the body size (413), and the
header, body and connection limits.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from app.config.settings import split_address
from app.core.models import CallEvent
from app.crm._shared.json_limits import MAX_DEPTH, NotAnObject, TooDeep, loads_object
from app.crm._shared.loopback import LoopbackServer, same_secret
from app.errors import NotStored, RingsideError
from app.telephony.event_request import BadEvent, parse_event

log = logging.getLogger(__name__)

SOURCE = "webhook"
TOKEN_FILE = "webhook-token"
MAX_BODY = 4 * 1024  # an event is ~120 bytes
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class WebhookError(RingsideError):
    pass


def _host_text(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def events_url(listen: str) -> str:
    host, port = split_address(listen)
    return f"http://{_host_text(host)}:{port}/v1/events"


def load_or_create_token(data_dir: Path) -> str:
    """The install's webhook token, created on first use. Safe when two processes race to create it."""
    path = data_dir / TOKEN_FILE
    existing = _read_token(path)
    if existing is not None:
        return existing
    data_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    tmp = data_dir / f".{TOKEN_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(token + "\n")
    try:
        if path.exists():  # present but unreadable or damaged: replace it
            log.warning("%s was damaged; a new webhook token was made", path)
            tmp.replace(path)
            return token
        try:
            os.link(tmp, path)  # atomic create-if-absent: whoever links first wins
        except FileExistsError:
            winner = _read_token(path)
            if winner is not None:
                return winner
            tmp.replace(path)
        return token
    finally:
        tmp.unlink(missing_ok=True)


def _read_token(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return None
    if len(text) < 16 or not set(text) <= _TOKEN_CHARS:
        return None
    if os.name == "posix" and path.stat().st_mode & 0o077:
        path.chmod(0o600)  # someone loosened it; the token is as good as a password
    return text


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)


class WebhookServer:
    """`emit` gets each accepted event (the switchboard's `handle`) and returns its call id once the call
    is committed, so "ok" means stored; `token` is
    the token or a function that loads it (called by `start`, where a failure is reported)."""

    def __init__(
        self,
        listen: str,
        token: str | Callable[[], str],
        emit: Callable[[CallEvent], Awaitable[str | None]],
        default_region: Callable[[], str | None],
        *,
        name: str = SOURCE,
    ) -> None:
        self.listen = listen
        self._host, self._port = split_address(listen)
        self._token_source = token
        self._token = ""
        self._emit = emit
        self._default_region = default_region
        self.name = name
        self._server = LoopbackServer(self._host, self._port, name="webhook", refusal=_error, max_body=MAX_BODY)
        names = {*LOOPBACK_HOSTS, _host_text(self._host).lower()}
        self._hosts = {f"{n}:{self._port}" for n in names}
        self._origins = {f"http://{h}" for h in self._hosts}

    @property
    def url(self) -> str:
        return events_url(self.listen)

    async def start(self) -> None:
        try:
            self._token = self._token_source if isinstance(self._token_source, str) else self._token_source()
        except OSError as exc:
            raise WebhookError(f"The webhook could not read or create its token: {exc}") from None
        app = web.Application(client_max_size=MAX_BODY, middlewares=[self._guard])
        app.router.add_post("/v1/events", self._event)
        app.router.add_get("/v1/events", self._event)
        try:
            await self._server.start(app)
        except OSError as exc:
            raise WebhookError(f"The webhook could not listen on {self.listen}: {exc.strerror or exc}. "
                               "Is another program using that port? Change `listen` in config.toml.") from None
        log.info("Webhook listening on %s", self.url)

    async def stop(self) -> None:
        await self._server.stop()

    @web.middleware
    async def _guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        host = request.headers.get("Host", "").lower()
        if host not in self._hosts:
            return _error(403, "the Host header must be 127.0.0.1, localhost or [::1] with the webhook's port")
        origin = request.headers.get("Origin")
        if origin is not None and origin.lower() not in self._origins:
            return _error(403, "requests from web pages are not accepted")
        if request.headers.get("Sec-Fetch-Site", "none").lower() in ("cross-site", "same-site"):
            return _error(403, "requests from web pages are not accepted")
        if not self._authorised(request):
            return _error(401, "missing or wrong token (send 'Authorization: Bearer <token>' or '?token=<token>'; "
                               "`ringside webhook-info` shows it)")
        return await handler(request)

    def _authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        offered = header[7:].strip() if header[:7].lower() == "bearer " else request.query.get("token", "")
        return bool(offered) and same_secret(offered, self._token)

    async def _event(self, request: web.Request) -> web.Response:
        if request.method == "POST":
            body = await self._json_body(request)
            if isinstance(body, web.Response):
                return body
        else:
            body = {key: value for key, value in request.query.items() if key != "token"}
        for optional in ("direction", "call_id"):
            if body.get(optional) in ("", None):
                body.pop(optional, None)  # a URL template with an empty placeholder
        try:
            event = parse_event(body, self._default_region(), source=self.name)
        except BadEvent as exc:
            return _error(400, str(exc))
        try:
            call_id = await self._emit(event)
        except NotStored as exc:  # the card showed, but "ok" would claim it was saved
            return _error(503, str(exc))
        return web.json_response({"ok": True, "call_id": call_id})

    async def _json_body(self, request: web.Request) -> dict[str, Any] | web.Response:
        too_big = _error(413, f"body: larger than {MAX_BODY} bytes")
        if request.content_length is not None and request.content_length > MAX_BODY:
            return too_big
        try:
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return too_big
        try:
            return loads_object(raw)
        except TooDeep:
            return _error(400, f"body: JSON nested deeper than {MAX_DEPTH} levels")
        except NotAnObject:
            return _error(400, "body: not a JSON object")
        except ValueError:
            return _error(400, "body: not JSON (send a JSON object, or use GET with query parameters)")
