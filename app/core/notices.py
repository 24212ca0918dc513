"""Tell the CRMs that play a part in the call itself about each step of it: TrackerRMS's own screen
pop, retailCRM's call events and call history, FixDigital's incoming-call notices.

Every connector with `capabilities.notify` gets a `CallNotice` at the ring, the answer and the
hang-up, as a task of its own that nothing waits for (the card never does). What goes wrong is shown
to the recruiter as a message, once, until the account's problem changes or goes away.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from app.core.lookup import Account
from app.core.models import CallEvent, CallNotice
from app.core.session import CallSession
from app.core.views import SwitchboardListener
from app.errors import ConnectorError

log = logging.getLogger(__name__)


class Notices:
    def __init__(
        self,
        accounts: Callable[[], list[Account]],
        spawn: Callable[[Coroutine[Any, Any, Any]], asyncio.Task[Any]],
        listener: SwitchboardListener,
    ) -> None:
        self._accounts = accounts
        self._spawn = spawn
        self._listener = listener
        self._last_error: dict[str, str] = {}  # account id -> the problem last shown

    def tell(self, session: CallSession, event: CallEvent) -> None:
        """Send `event` (a step of `session`) to every account that wants to hear of it."""
        if not session.number.is_number:  # a withheld caller or an extension: nothing to tell a CRM
            return
        notice = CallNotice(
            type=event.type, number=session.number, direction=session.direction, call_id=session.call_id,
            source=session.source, at=event.at, received_ns=event.received_ns, started_at=session.started_at,
            answered_at=session.answered_at, ended_at=session.ended_at, recording=event.recording,
        )
        for account in self._accounts():
            if account.connector.capabilities.notify:
                self._spawn(self._one(account, notice))

    async def _one(self, account: Account, notice: CallNotice) -> None:
        try:
            await account.connector.notify(notice)
        except ConnectorError as exc:
            text = f"{account.label}: {exc}"
            log.warning("%s: telling it of the %s failed: %s", account.id, notice.type.value, exc)
            if self._last_error.get(account.id) != text:
                self._last_error[account.id] = text
                self._listener.message(text, error=True)
        else:
            self._last_error.pop(account.id, None)
