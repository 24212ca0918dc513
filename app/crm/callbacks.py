"""The one server every CRM calls back: `[callbacks] listen = "127.0.0.1:47200"`.

    GET /retailcrm/make-call     retailCRM's makeCallUrl: dial a number         (clientId checked)
    GET /retailcrm/user-status   retailCRM's changeUserStatusUrl: the tray shows it (clientId checked)
    GET /fixdigital/click-to-call  FixDigital asks us to dial          (allow-list, username/password)
    GET /fixdigital/calls          FixDigital asks for a number's calls (allow-list, username/password)
    GET /ringside.svg              the logo retailCRM shows for the integration

Every route takes its parameters from the query string, or from a form body on POST. It runs while a
retailCRM or FixDigital account is configured; it listens on loopback unless configured otherwise
(a LAN address, or a relay in front, where the CRM has to reach it). The access log is off: URLs
carry clientIds and, for FixDigital, possibly a password.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from aiohttp import web
from multidict import MultiDict, MultiDictProxy, MultiMapping

from app import resources
from app.config.settings import Account, split_address
from app.crm._shared.loopback import LoopbackServer
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


class CallbackServer:
    def __init__(self, listen: str, context: CallbackContext, mounts: Sequence[Mount]) -> None:
        self.listen = listen
        self._host, self._port = split_address(listen)
        self.context = context
        self._mounts = list(mounts)
        self._server = LoopbackServer(self._host, self._port)

    @property
    def running(self) -> bool:
        return self._server.running

    @property
    def url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self._port}"

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY, middlewares=[_not_from_web_pages])
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


@web.middleware
async def _not_from_web_pages(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    # CRMs call from their servers; a browser tab must not make Ringside dial (CSRF, DNS rebinding).
    if request.headers.get("Sec-Fetch-Site", "none").lower() in ("cross-site", "same-site"):
        return web.json_response({"success": False, "errorMsg": "requests from web pages are not accepted"},
                                 status=403)
    return await handler(request)


async def _logo(_: web.Request) -> web.StreamResponse:
    data = resources.path("icons", "tray-idle.svg").read_bytes()
    return web.Response(body=data, content_type="image/svg+xml")
