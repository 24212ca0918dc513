"""FixDigital CRM (seed 003): Ringside as its call-centre peer, telling it of incoming calls.

    GET {api_url}/webservice.php?operation=incomingCall&sExt=777&sNumber=033004799&ClientId=10
    GET {api_url}/webservice.php?operation=incomingCallAnswered&sExt=…&sNumber=…&ClientId=…
    → {"success":true,"result":[]}  (any JSON object with "success": true is taken as success)

FixDigital pops its own card; it offers Ringside no lookup, so it has no section on Ringside's card.
What goes wrong is raised from `notify`, and the switchboard shows it as a message (once, until it
changes). The number goes in national digits, as the seed's example has it. FixDigital's requests to
Ringside (click-to-call, call list) are served by app/crm/fixdigital/callbacks.py.
"""

from __future__ import annotations

import logging

import httpx

from app.core.models import CallEvent, Direction, EventType, Job, NoteDraft, Receipt, Record
from app.core.phone import CallerNumber
from app.core.ports import Capabilities, ConnectorBase
from app.crm._shared.call_steps import CallSteps
from app.crm._shared.http import Http
from app.crm.fixdigital.settings import FixDigitalAccount
from app.errors import BadResponse, Rejected

log = logging.getLogger(__name__)

SERVICE = "FixDigital"
OPERATIONS = {EventType.RING: "incomingCall", EventType.ANSWER: "incomingCallAnswered"}


def check_answer(response: httpx.Response, account_id: str, host: str) -> None:
    """Any JSON object with `"success": true` is success (what else it carries is FixDigital's
    business); anything else is a clear error naming the account: `success: false` with FixDigital's
    reason, a web page (a wrong address or a login page in front), or something that is not JSON.
    The words are the same for a ring and an answer, so one problem is shown once."""
    where = f"FixDigital (account '{account_id}', {host})"
    text = response.text.lstrip()
    if text[:1] == "<":
        raise BadResponse(f"{where} answered with a web page, not webservice.php's JSON. Check the account's "
                          "API address.")
    try:
        body = response.json()
    except (ValueError, RecursionError):  # a too-deep document is a ValueError too
        raise BadResponse(f"{where} answered a call notice with something that is not JSON.") from None
    if isinstance(body, dict) and body.get("success") is True:
        return
    if isinstance(body, dict) and body.get("success") is False:
        error = body.get("error")
        reason = error.get("message") if isinstance(error, dict) else error
        text = " ".join(str(reason).split())[:200] if reason else "no reason given"
        raise Rejected(f"{where} refused Ringside's call notice: {text}")
    raise BadResponse(f'{where} answered a call notice without "success": true.')


class FixDigitalConnector(ConnectorBase):
    capabilities = Capabilities(lookup=False, notify=True)

    def __init__(self, account: FixDigitalAccount, client: httpx.AsyncClient) -> None:
        self.account = account
        self.account_id = account.id
        self.label = account.display_name
        self._http = Http(client, service=SERVICE, base_url=account.api_url, headers={"Accept": "application/json"})
        self._steps = CallSteps()

    async def notify(self, event: CallEvent) -> None:
        """incomingCall on an inbound ring, incomingCallAnswered on its answer; nothing for outbound calls."""
        caller = event.number
        operation = OPERATIONS.get(event.type)
        if event.direction is not Direction.INBOUND or (operation is None and event.type is not EventType.HANGUP):
            return
        call_id = event.call_id or caller.raw
        async with self._steps.step(call_id):  # the answer never overtakes its ring
            if operation is not None:
                await self.send(operation, caller)
        if event.type is EventType.HANGUP:
            self._steps.forget(call_id)

    async def send(self, operation: str, caller: CallerNumber) -> None:
        if not caller.is_number:
            raise Rejected(f"{caller.display()} has no number to tell FixDigital.")
        params = {"operation": operation, "sExt": self.account.extension, "sNumber": caller.national_digits,
                  "ClientId": self.account.client_id}
        response = await self._http.send("GET", "/webservice.php", params=params)
        check_answer(response, self.account_id, self._http.host)

    async def lookup(self, caller: CallerNumber) -> list[Record]:
        return []  # FixDigital pops its own card; it has nothing to look up for ours

    async def open_jobs(self, record: Record) -> list[Job]:
        return []

    async def log_call(self, note: NoteDraft) -> Receipt:
        raise Rejected("FixDigital keeps its own call records; Ringside has no notes to log there.")

    async def aclose(self) -> None:
        """Nothing of our own to close: whoever made the injected client closes it."""
