"""retailCRM's requests to its telephony peer (seed 002), on the callback server.

    makeCallUrl?clientId=&code=&phone=&userId=&externalPhone=   → dial `phone`; 200 when the call was
        placed, an error status otherwise (retailCRM shows the user any non-200 as a failed call)
    changeUserStatusUrl?clientId=&userId=&code=&status=free|busy|dinner|break   → shown in the tray

    GET /recordings/<token>   a call's recording (the `recordUrl` of its upload), with its audio
        Content-Type; 404 for a token Ringside did not give out

`clientId` names the integration (the account's `client_id`, registered by `ringside retailcrm
register`; retailCRM sends the integration module's top-level clientId): a missing or wrong one is
refused with 403, before anything else is looked at. Recordings are not behind the clientId (retailCRM
stores recordUrl with the call, readable by its users) but behind a per-call random token.
"""

from __future__ import annotations

import logging

from aiohttp import web

from app.core.phone import normalise
from app.crm._shared.loopback import same_secret
from app.crm.callbacks import (
    RETAILCRM_MAKE_CALL,
    RETAILCRM_USER_STATUS,
    CallbackContext,
    dial_with_timeout,
    parameters,
)
from app.crm.retailcrm.recordings import ROUTE as RECORDING
from app.crm.retailcrm.recordings import SHELF, Recordings, content_type
from app.crm.retailcrm.settings import RetailCrmAccount
from app.crm.retailcrm.wire import STATUS_WORDS
from app.errors import ConfigError, InvalidNumber, RingsideError

log = logging.getLogger(__name__)


def _reply(status: int = 200, error: str = "") -> web.Response:
    body: dict[str, object] = {"success": not error}
    if error:
        body["errorMsg"] = error
    return web.json_response(body, status=status)


def _account(context: CallbackContext, client_id: str) -> RetailCrmAccount | None:
    """The enabled retailCRM account whose integration has this clientId. Every account's is compared,
    in constant time, and a dummy when there is none: the answer's timing tells nothing."""
    accounts: list[RetailCrmAccount | None] = [
        a for a in context.accounts() if isinstance(a, RetailCrmAccount) and a.enabled and a.client_id]
    found = None
    for account in accounts or [None]:
        matches = same_secret(client_id, account.client_id if account else "-" * 32)
        if matches and account is not None:
            found = account
    return found


def _not_ours(account: RetailCrmAccount, code: str, user_id: str) -> str:
    """Why a request for another user's extension is not for this Ringside ("" when it is ours)."""
    if code and account.code and code != account.code:
        return f"extension code {code} is not this Ringside's ({account.code})"
    if user_id and account.user_id is not None and user_id != str(account.user_id):
        return f"user {user_id} is not this Ringside's ({account.user_id})"
    return ""


def mount(app: web.Application, context: CallbackContext, recordings: Recordings = SHELF) -> None:
    async def make_call(request: web.Request) -> web.Response:
        params = await parameters(request)
        account = _account(context, params.get("clientId", ""))
        if account is None:
            return _reply(403, "unknown clientId")
        elsewhere = _not_ours(account, params.get("code", ""), params.get("userId", ""))
        if elsewhere:
            return _reply(404, elsewhere)
        try:
            phone = normalise(params.get("phone", ""), context.default_region())
        except InvalidNumber as exc:
            return _reply(400, f"phone: {exc}")
        try:
            await dial_with_timeout(context.dial, phone.e164)
        except ConfigError as exc:  # no dialer, or a broken [dialer] section
            return _reply(503, str(exc))
        except InvalidNumber as exc:
            return _reply(400, f"phone: {exc}")
        except TimeoutError:
            return _reply(504, "the dialer did not answer in time")
        except RingsideError as exc:  # the dialer refused or failed (Puzzel: not logged on, …)
            return _reply(502, str(exc))
        log.info("%s: retailCRM asked to call %s; dialled", account.id, phone.e164)
        return _reply()

    async def user_status(request: web.Request) -> web.Response:
        params = await parameters(request)
        account = _account(context, params.get("clientId", ""))
        if account is None:
            return _reply(403, "unknown clientId")
        status = params.get("status", "")
        if status not in STATUS_WORDS:
            return _reply(400, f"status: must be one of {', '.join(STATUS_WORDS)}")
        elsewhere = _not_ours(account, params.get("code", ""), params.get("userId", ""))
        if elsewhere:  # a colleague's status: retailCRM tells every peer; nothing to show here
            return _reply()
        context.set_presence(account.display_name, STATUS_WORDS[status])
        return _reply()

    async def recording(request: web.Request) -> web.StreamResponse:
        path = recordings.find(request.match_info["token"])
        if path is None:
            return _reply(404, "no such recording")
        return web.FileResponse(path, headers={"Content-Type": content_type(path)})

    app.router.add_get(RECORDING, recording)
    for path, handler in ((RETAILCRM_MAKE_CALL, make_call), (RETAILCRM_USER_STATUS, user_status)):
        app.router.add_get(path, handler)
        app.router.add_post(path, handler)
