"""FixDigital's requests to its call-centre peer (seed 003), on the callback server.

    GET /fixdigital/click-to-call?sExt=777&sNumber=033004799&ClientId=10   → dial; {"success":true,"result":[]}
    GET /fixdigital/calls?sNumber=033004799&ClientId=10                    → the number's calls from
        Ringside's history: {"success":true,"result":[{time, ext, number, duration, filename, incoming}]}

The seed asks for "username, password" and an IP-based allow-list, and names no transport for the
credentials, so both of the usual ones are accepted: HTTP Basic (preferred), or `username` and
`password` parameters (what a vtiger-style CRM can put in a URL). The username is the account's
`callback_username`, the password lives in the keyring (`<id>:callback_password`), and the request
must come from an address in the account's `allow_from` (the TCP peer: behind a relay, list the
relay). Checks, in order: address (403), credentials (401), ClientId (403), parameters (400).
Errors come back vtiger-style: {"success": false, "error": {"code", "message"}}.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import logging

from aiohttp import web
from multidict import MultiMapping

from app.config.secret_names import CALLBACK_PASSWORD
from app.core.phone import PhoneNumber, normalise
from app.crm._shared.loopback import same_secret
from app.crm.callbacks import (
    FIXDIGITAL_CALLS,
    FIXDIGITAL_CLICK_TO_CALL,
    CallbackContext,
    dial_with_timeout,
    parameters,
)
from app.crm.fixdigital.settings import FixDigitalAccount
from app.errors import ConfigError, InvalidNumber, RingsideError, SecretStoreError
from app.storage.call_list import MAX_ROWS

log = logging.getLogger(__name__)

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_CHALLENGE = {"WWW-Authenticate": 'Basic realm="Ringside FixDigital", charset="UTF-8"'}


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"success": False, "error": {"code": code, "message": message}}, status=status,
                             headers=headers)


def _ok(result: list[dict[str, object]]) -> web.Response:
    return web.json_response({"success": True, "result": result})


def allowed(peer: str | None, networks: list[str]) -> bool:
    if not peer:
        return False
    try:
        address = ipaddress.ip_address(peer.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in ipaddress.ip_network(n, strict=False) for n in networks)


def _credentials(request: web.Request, params: MultiMapping[str]) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if header[:6].lower() == "basic ":
        try:
            user, sep, password = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return (user, password) if sep else None
    if "username" in params and "password" in params:
        return params["username"], params["password"]
    return None


_DUMMY = "-" * 32  # compared against where there is no username or password, so timing is the same


def _account(request: web.Request, params: MultiMapping[str],
             context: CallbackContext) -> FixDigitalAccount | web.Response:
    accounts = [a for a in context.accounts() if isinstance(a, FixDigitalAccount) and a.enabled]
    near = [a for a in accounts if allowed(request.remote, a.allow_from)]
    if not near:
        log.warning("FixDigital callback from %s refused: address not in any allow_from", request.remote)
        return _error(403, "ACCESS_DENIED", "requests from this address are not allowed")
    offered = _credentials(request, params)
    if offered is None:
        return _error(401, "AUTHENTICATION_REQUIRED", "username and password are required", _CHALLENGE)
    # Every near account's username and password is read and compared, whichever username was
    # offered, so the answer's timing does not tell whether a username exists.
    for account in near:
        user_ok = same_secret(offered[0], account.callback_username or _DUMMY) and bool(account.callback_username)
        try:
            password = context.secrets.get(account.id, CALLBACK_PASSWORD)
        except SecretStoreError as exc:
            if user_ok:
                log.error("%s: FixDigital callback password unreadable: %s", account.id, exc)
                return _error(503, "UNAVAILABLE", "Ringside can't read its keyring right now")
            password = None
        password_ok = same_secret(offered[1], password or _DUMMY) and bool(password)
        if user_ok and password_ok:
            if not same_secret(params.get("ClientId", ""), account.client_id):
                return _error(403, "WRONG_CLIENT", "ClientId is not this Ringside's")
            return account
    return _error(401, "INVALID_AUTH", "wrong username or password", _CHALLENGE)


def _number(params: MultiMapping[str], context: CallbackContext) -> PhoneNumber | web.Response:
    try:
        return normalise(params.get("sNumber", ""), context.default_region())
    except InvalidNumber as exc:
        return _error(400, "INVALID_PARAMETER", f"sNumber: {exc}")


def mount(app: web.Application, context: CallbackContext) -> None:
    async def click_to_call(request: web.Request) -> web.Response:
        params = await parameters(request)
        account = _account(request, params, context)
        if isinstance(account, web.Response):
            return account
        if params.get("sExt", "") != account.extension:
            return _error(404, "WRONG_EXTENSION", f"sExt: {params.get('sExt', '')!r} is not this Ringside's "
                                                  f"extension ({account.extension})")
        phone = _number(params, context)
        if isinstance(phone, web.Response):
            return phone
        try:
            await dial_with_timeout(context.dial, phone.e164)
        except ConfigError as exc:  # no dialer, or a broken [dialer] section
            return _error(503, "NO_DIALER", str(exc))
        except TimeoutError:
            return _error(504, "DIAL_TIMEOUT", "the dialer did not answer in time")
        except RingsideError as exc:
            return _error(502, "DIAL_FAILED", str(exc))
        log.info("%s: FixDigital asked to call %s; dialled", account.id, phone.e164)
        return _ok([])

    async def calls(request: web.Request) -> web.Response:
        params = await parameters(request)
        account = _account(request, params, context)
        if isinstance(account, web.Response):
            return account
        phone = _number(params, context)
        if isinstance(phone, web.Response):
            return phone
        number = params["sNumber"].strip()
        rows = context.call_list.calls_with(phone.e164, MAX_ROWS)
        return _ok([{"time": c.started_at.astimezone().strftime(TIME_FORMAT), "ext": account.extension,
                     "number": number, "duration": c.talk_s, "filename": "", "incoming": 1 if c.inbound else 0}
                    for c in rows])

    for path, handler in ((FIXDIGITAL_CLICK_TO_CALL, click_to_call), (FIXDIGITAL_CALLS, calls)):
        app.router.add_get(path, handler)
        app.router.add_post(path, handler)
