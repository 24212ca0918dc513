"""The one server every CRM calls back: `[callbacks] listen = "127.0.0.1:47200"`.

    GET /retailcrm/make-call     retailCRM's makeCallUrl: dial a number         (clientId checked)
    GET /retailcrm/user-status   retailCRM's changeUserStatusUrl: the tray shows it (clientId checked)
    GET /fixdigital/click-to-call  FixDigital asks us to dial          (allow-list, username/password)
    GET /fixdigital/calls          FixDigital asks for a number's calls (allow-list, username/password)
    GET /recordings/<token>        a call's recording, for retailCRM's recordUrl (per-call token)
    GET /ringside.svg              the logo retailCRM shows for the integration

Every route takes its parameters from the query string, or from a form body on POST. It runs while a
retailCRM or FixDigital account is configured; it listens on loopback unless configured otherwise
(a LAN address, or a relay in front, where the CRM has to reach it). The access log is off: URLs
carry clientIds and, for FixDigital, possibly a password.

Before any route (besides the listener limits every Ringside listener has): the Host header must be
an IP address, localhost, or the host of `[callbacks] public_url` or of an account's own `public_url`
(403: DNS rebinding — a web page's name resolved to this machine must not make Ringside dial); an
Origin must be the server's own and Sec-Fetch-Site not another site (403). A source that failed to
sign in (401/403 from a route) more than 5 times in a row is answered 429 for 1 s, doubling per
further failure up to 15 minutes; only its own failures count, and a success clears them. The
source is the TCP peer, or, when the peer is this machine (a relay or tunnel here), the last
X-Forwarded-For address the relay added.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web
from multidict import MultiDict, MultiDictProxy, MultiMapping

from app import resources
from app.config.settings import Account, split_address
from app.crm._shared.failed_attempts import FailedAttempts
from app.crm._shared.loopback import LoopbackServer, host_text, is_loopback
from app.errors import RingsideError
from app.storage.call_list import CallList
from app.storage.secrets import SecretStore

log = logging.getLogger(__name__)

RETAILCRM_MAKE_CALL = "/retailcrm/make-call"
RETAILCRM_USER_STATUS = "/retailcrm/user-status"
FIXDIGITAL_CLICK_TO_CALL = "/fixdigital/click-to-call"
FIXDIGITAL_CALLS = "/fixdigital/calls"
LOGO = "/ringside.svg"
MAX_BODY = 4 * 1024
DIAL_TIMEOUT_S = 15.0

Dial = Callable[[str], Awaitable[object]]


class CallbackError(RingsideError):
    pass


@dataclass(frozen=True)
class CallbackContext:
    accounts: Callable[[], Sequence[Account]]  # the current settings' accounts (they may be reloaded)
    dial: Dial  # the switchboard's place_call: raises ConfigError (no dialer) or another RingsideError
    set_presence: Callable[[str, str | None], None]  # the switchboard's: shown with the tray's state
    secrets: SecretStore
    call_list: CallList
    default_region: Callable[[], str | None]


def url_for(public_url: str, path: str) -> str:
    return public_url.rstrip("/") + path


async def parameters(request: web.Request) -> MultiMapping[str]:
    """Query parameters, plus form fields on a POST (the documented callbacks are GETs [U])."""
    if request.method != "POST" or request.content_type != "application/x-www-form-urlencoded":
        return request.query
    merged: MultiDict[str] = MultiDict(request.query)
    for key, value in (await request.post()).items():
        if isinstance(value, str):
            merged.add(key, value)
    return MultiDictProxy(merged)


async def dial_with_timeout(dial: Dial, e164: str) -> None:
    async with asyncio.timeout(DIAL_TIMEOUT_S):
        await dial(e164)


Mount = Callable[[web.Application, CallbackContext], None]  # adds one CRM's routes


def _refusal(status: int, message: str) -> web.Response:
    return web.json_response({"success": False, "errorMsg": message}, status=status)


def _ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def host_name(host_header: str) -> str:
    """The name in a Host header, without its port ("" when it can't be read)."""
    try:
        return (urlsplit(f"//{host_header}").hostname or "").lower()
    except ValueError:
        return ""


def source_of(request: web.Request) -> str:
    """Who sent the request: the TCP peer, or the address a relay on this machine forwarded for."""
    peer = request.remote or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded and is_loopback(peer):
        return forwarded.split(",")[-1].strip() or peer  # the relay appends its own peer last
    return peer


class CallbackServer:
    def __init__(self, listen: str, context: CallbackContext, mounts: Sequence[Mount], *,
                 public_url: str = "", attempts: FailedAttempts | None = None) -> None:
        self.listen = listen
        self._host, self._port = split_address(listen)
        self.context = context
        self._mounts = list(mounts)
        self._server = LoopbackServer(self._host, self._port, name="CRM callback server", refusal=_refusal,
                                      max_body=MAX_BODY)
        self.attempts = attempts or FailedAttempts()
        public = urlsplit(public_url) if public_url else None
        self._public_host = (public.hostname or "").lower() if public else ""
        own = [f"http://{n}:{self._port}" for n in ("127.0.0.1", "localhost", "[::1]", host_text(self._host))]
        if public:
            own.append(f"{public.scheme}://{public.netloc}")
        self._origins = {o.lower() for o in own}

    @property
    def running(self) -> bool:
        return self._server.running

    @property
    def url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self._port}"

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY, middlewares=[self._not_from_web_pages, self._back_off])
        for mount in self._mounts:
            mount(app, self.context)
        app.router.add_get(LOGO, _logo)
        return app

    async def start(self) -> None:
        if self._server.running:
            return
        try:
            await self._server.start(self.make_app())
        except OSError as exc:
            raise CallbackError(f"The CRM callback server could not listen on {self.listen}: {exc.strerror or exc}. "
                                "Is another program using that port? Change [callbacks] listen in config.toml."
                                ) from None
        log.info("CRM callbacks listening on %s", self.url)

    async def stop(self) -> None:
        await self._server.stop()


    def _public_hosts(self) -> set[str]:
        """`[callbacks] public_url`'s host, and those of the accounts' own `public_url` (a retailCRM
        account's, under which it offers recordings), read now: the settings may have been reloaded."""
        hosts = {self._public_host} - {""}
        for account in self.context.accounts():
            url = getattr(account, "public_url", "")
            if isinstance(url, str) and url:
                hosts.add((urlsplit(url).hostname or "").lower())
        return hosts - {""}

    @web.middleware
    async def _not_from_web_pages(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        # CRMs call from their servers; a browser tab must not make Ringside dial (CSRF, DNS rebinding:
        # a rebound name arrives as that name, never as an IP address). The logo does nothing and is
        # shown in retailCRM's pages, so browsers may fetch it.
        if request.path == LOGO:
            return await handler(request)
        name = host_name(request.headers.get("Host", ""))
        if not (name and (_ip_literal(name) or name == "localhost" or name in self._public_hosts())):
            return _refusal(403, "the Host header must be this server's address or the configured public_url's host")
        origin = request.headers.get("Origin")
        if origin is not None and origin.lower().rstrip("/") not in self._origins:
            return _refusal(403, "requests from web pages are not accepted")
        if request.headers.get("Sec-Fetch-Site", "none").lower() in ("cross-site", "same-site"):
            return _refusal(403, "requests from web pages are not accepted")
        return await handler(request)

    @web.middleware
    async def _back_off(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        source = source_of(request)
        wait = self.attempts.locked_for(source)
        if wait > 0:
            refused = _refusal(429, "too many failed attempts from this address; try again later")
            refused.headers["Retry-After"] = str(max(1, round(wait)))
            return refused
        response = await handler(request)
        if response.status in (401, 403):
            self.attempts.failed(source)
        elif response.status < 300:
            self.attempts.succeeded(source)
        return response


async def _logo(_: web.Request) -> web.StreamResponse:
    data = resources.path("icons", "tray-idle.svg").read_bytes()
    return web.Response(body=data, content_type="image/svg+xml")
