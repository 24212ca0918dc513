"""The running instance's local door: `ringside event …`, a second `ringside`, and `account connect`
reach the running app through it.

The server listens on 127.0.0.1 with a random port and a random token; both are written to
`instance.json` in the data folder, readable by the user alone. No Qt here, so the CLI can use the
client half without starting a GUI.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web
from pydantic import BaseModel, ConfigDict, ValidationError

from app.core.models import CallEvent
from app.crm._shared.json_limits import MAX_DEPTH, TooDeep, loads_bounded
from app.crm._shared.loopback import LoopbackServer, same_secret
from app.errors import InvalidNumber, NotStored, RingsideError
from app.telephony.event_request import BadEvent, parse_event, validation_message

MAX_BODY = 16 * 1024


class NoInstance(RingsideError):
    pass


@dataclass(frozen=True)
class Handlers:
    event: Callable[[CallEvent], Awaitable[str | None]]  # the switchboard's `handle`, once committed
    show: Callable[[], None]
    accounts_changed: Callable[[str | None], Awaitable[None]]
    default_region: Callable[[], str | None]
    # `ringside dial` / tel: links: place the call (the flag: also show a refusal on screen);
    # returns the call id, raises RingsideError.
    dial: Callable[[str, bool], Awaitable[str]] | None = None


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)


async def _json(request: web.Request) -> Any:
    """The request's JSON body (nesting bounded), or the 400 that says why not."""
    if not request.body_exists:
        return {}
    try:
        return loads_bounded(await request.read())
    except TooDeep:
        return _error(400, f"body: JSON nested deeper than {MAX_DEPTH} levels")
    except ValueError:
        return _error(400, "body: not a JSON object")


class InstanceServer:
    def __init__(self, instance_file: Path, handlers: Handlers) -> None:
        self._file = instance_file
        self._handlers = handlers
        self._token = secrets.token_urlsafe(24)
        self._server = LoopbackServer("127.0.0.1", 0, name="instance door", refusal=_error, max_body=MAX_BODY)

    @property
    def port(self) -> int:
        return self._server.port

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_get("/v1/ping", self._ping)
        app.router.add_post("/v1/events", self._event)
        app.router.add_post("/v1/show", self._show)
        app.router.add_post("/v1/accounts-changed", self._accounts_changed)
        app.router.add_post("/v1/dial", self._dial)
        await self._server.start(app)
        self._write_file()

    async def stop(self) -> None:
        await self._server.stop()
        try:
            if json.loads(self._file.read_text()).get("pid") == os.getpid():
                self._file.unlink()
        except (OSError, ValueError):
            pass

    def _write_file(self) -> None:
        payload = json.dumps({"port": self.port, "token": self._token, "pid": os.getpid()})
        tmp = self._file.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(payload)
        tmp.replace(self._file)

    def _authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        return same_secret(header, f"Bearer {self._token}")

    async def _ping(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _error(401, "missing or wrong token")
        return web.json_response({"ok": True, "pid": os.getpid()})

    async def _event(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _error(401, "missing or wrong token")
        body = await _json(request)
        if isinstance(body, web.Response):
            return body
        try:
            event = parse_event(body, self._handlers.default_region(), source="cli")
        except BadEvent as exc:
            return _error(400, str(exc))
        try:
            call_id = await self._handlers.event(event)
        except NotStored as exc:  # the card showed, but "ok" would claim it was saved
            return _error(503, str(exc))
        return web.json_response({"ok": True, "call_id": call_id})

    async def _show(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _error(401, "missing or wrong token")
        self._handlers.show()
        return web.json_response({"ok": True})

    async def _dial(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _error(401, "missing or wrong token")
        return await _dial_route(self._handlers, request)

    async def _accounts_changed(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _error(401, "missing or wrong token")
        body = await _json(request)
        if isinstance(body, web.Response):
            return body
        await self._handlers.accounts_changed(body.get("account_id") if isinstance(body, dict) else None)
        return web.json_response({"ok": True})


class DialRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str
    # False when the command runs in a terminal, which prints a refusal itself (no toast then).
    show_errors: bool = True


async def _dial_route(handlers: Handlers, request: web.Request) -> web.Response:
    data = await _json(request)
    if isinstance(data, web.Response):
        return data
    try:
        body = DialRequest.model_validate(data)
    except ValidationError as exc:
        return _error(400, validation_message(exc))
    if handlers.dial is None:
        return _error(409, "This Ringside can't place calls.")
    try:
        call_id = await handlers.dial(body.number, body.show_errors)
    except InvalidNumber as exc:
        return _error(400, f"number: {exc}")
    except RingsideError as exc:  # no dialer, Puzzel status, softphone down…: said in words
        return _error(409, str(exc))
    return web.json_response({"ok": True, "call_id": call_id})


class InstanceClient:
    """Used by short-lived CLI invocations to reach the running instance."""

    def __init__(self, instance_file: Path, timeout: float = 5.0) -> None:
        try:
            info = json.loads(instance_file.read_text())
            self._url = f"http://127.0.0.1:{int(info['port'])}"
            self._token = str(info["token"])
        except (OSError, ValueError, KeyError, TypeError):
            raise NoInstance("Ringside is not running (start it with `ringside`).") from None
        self._timeout = timeout

    def _post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            response = httpx.post(f"{self._url}{path}", json=body or {}, timeout=self._timeout,
                                  headers={"Authorization": f"Bearer {self._token}"})
        except httpx.HTTPError:
            raise NoInstance("Ringside is not running (start it with `ringside`).") from None
        try:
            data: dict[str, Any] = response.json()
        except ValueError:
            data = {}
        if response.status_code == 400 and str(data.get("error", "")).startswith("number: "):
            raise InvalidNumber(str(data["error"]).removeprefix("number: "))  # the caller's mistake: exit 2
        if response.status_code != 200:
            raise RingsideError(data.get("error") or f"Ringside refused the request ({response.status_code}).")
        return data

    def alive(self) -> bool:
        try:
            response = httpx.get(f"{self._url}/v1/ping", timeout=self._timeout,
                                 headers={"Authorization": f"Bearer {self._token}"})
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    def send_event(self, type_: str, number: str, direction: str, call_id: str | None) -> str | None:
        data = self._post("/v1/events", {"type": type_, "number": number, "direction": direction,
                                         "call_id": call_id})
        return data.get("call_id")

    def show(self) -> None:
        self._post("/v1/show")

    def dial(self, number: str, *, show_errors: bool = True) -> str | None:
        """Place a call from the running instance; returns its call id. RingsideError says why not
        (and, with `show_errors`, the running app shows it too)."""
        return self._post("/v1/dial", {"number": number, "show_errors": show_errors}).get("call_id")

    def accounts_changed(self, account_id: str | None) -> None:
        self._post("/v1/accounts-changed", {"account_id": account_id})
