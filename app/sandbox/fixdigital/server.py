"""FixDigital CRM emulator (seed 003): its vtiger-style `webservice.php` that the call centre tells of
incoming and answered calls, and the CRM's own requests to the call centre (click-to-call, call list).

    GET /webservice.php?operation=incomingCall|incomingCallAnswered&sExt=777&sNumber=033004799&ClientId=10
    → {"success":true,"result":[]}

Strict: GET only; each parameter exactly once; `operation` one of the two; `sExt` a known extension
(digits); `sNumber` digits only, national format as in the seed (no '+'); `ClientId` the CRM's.
Problems come back vtiger-style with HTTP 200: {"success":false,"error":{"code","message"}}.
"""

from __future__ import annotations

import copy
import re
import threading

import httpx
from aiohttp import web

from app.sandbox.control import mount_control
from app.sandbox.faults import Faults, instrument
from app.sandbox.journal import Journal

DEMO_CLIENT_ID = "10"  # the seed's example
DEMO_EXTENSION = "777"
OPERATIONS = ("incomingCall", "incomingCallAnswered")
_EXTENSION = re.compile(r"\d{2,8}")
_NUMBER = re.compile(r"\d{6,15}")


def _failure(code: str, message: str) -> web.Response:
    return web.json_response({"success": False, "error": {"code": code, "message": message}})


class FixDigitalSandbox:
    def __init__(self, *, client_id: str = DEMO_CLIENT_ID, extensions: tuple[str, ...] = (DEMO_EXTENSION,)) -> None:
        self.client_id = client_id
        self.extensions = extensions
        self.journal = Journal()
        self.faults = Faults(error_body=lambda status: {"success": False, "error": {
            "code": "SERVER_ERROR", "message": f"Injected fault: HTTP {status}"}})
        self._lock = threading.Lock()
        self._notices: list[dict[str, str]] = []

    def notices(self) -> list[dict[str, str]]:
        """Accepted notices, oldest first: {operation, sExt, sNumber, ClientId}."""
        with self._lock:
            return copy.deepcopy(self._notices)

    def make_app(self) -> web.Application:
        app = web.Application()
        instrument(app, self.journal, self.faults)
        mount_control(app, self.journal, self.faults)
        app.router.add_route("*", "/webservice.php", self._webservice)
        return app

    async def _webservice(self, request: web.Request) -> web.StreamResponse:
        if request.method != "GET":
            return web.json_response({"success": False, "error": {"code": "METHOD_NOT_ALLOWED",
                                                                  "message": "Use GET."}}, status=405)
        query = request.query
        if any(len(query.getall(name)) > 1 for name in query):
            return _failure("INVALID_PARAMETER", "A parameter was repeated.")
        operation = query.get("operation")
        if operation is None:
            return _failure("MISSING_OPERATION", "operation is required.")
        if operation not in OPERATIONS:
            return _failure("INVALID_OPERATION", f"Unknown operation '{operation}'.")
        ext, number, client = query.get("sExt", ""), query.get("sNumber", ""), query.get("ClientId", "")
        if not _EXTENSION.fullmatch(ext):
            return _failure("INVALID_PARAMETER", "sExt must be the extension's digits, e.g. 777.")
        if ext not in self.extensions:
            return _failure("INVALID_PARAMETER", f"There is no extension {ext}.")
        if not _NUMBER.fullmatch(number):
            return _failure("INVALID_PARAMETER", "sNumber must be the caller's number in digits, e.g. 033004799.")
        if client != self.client_id:
            return _failure("ACCESS_DENIED", "ClientId is missing or wrong.")
        with self._lock:
            self._notices.append({"operation": operation, "sExt": ext, "sNumber": number, "ClientId": client})
        return web.json_response({"success": True, "result": []})

    # --- the CRM's requests to the call centre (Ringside's callback server) ------------------------------

    async def click_to_call(self, url: str, number: str, *, ext: str = DEMO_EXTENSION, client_id: str | None = None,
                            auth: tuple[str, str] | None = None, params: dict[str, str] | None = None,
                            ) -> httpx.Response:
        """GET <dialer URL>?sExt&sNumber&ClientId, signed in with HTTP Basic `auth` (or extra `params`)."""
        query = {"sExt": ext, "sNumber": number, "ClientId": client_id or self.client_id, **(params or {})}
        async with httpx.AsyncClient(timeout=20) as client:
            return await client.get(url, params=query, auth=auth)

    async def call_list(self, url: str, number: str, *, client_id: str | None = None,
                        auth: tuple[str, str] | None = None, params: dict[str, str] | None = None,
                        ) -> httpx.Response:
        """The call list of `number` (the seed's `SELECT time, ext, number, duration, filename, incoming`)."""
        query = {"sNumber": number, "ClientId": client_id or self.client_id, **(params or {})}
        async with httpx.AsyncClient(timeout=10) as client:
            return await client.get(url, params=query, auth=auth)
