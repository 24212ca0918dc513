"""The calls in memory: one `CallSession` per call id, shown to the listener and saved to history.

Shared by the switchboard (which starts and ends calls), the controls (the recruiter's intents on
them) and the record desk, so none of them has to call back into another to reach a call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from concurrent.futures import wait as concurrent_wait
from dataclasses import dataclass
from datetime import datetime

from app.core.call_rows import matches, timings
from app.core.caller_place import caller_place
from app.core.lookup import after_requests_sent
from app.core.session import CallSession
from app.core.stores import CallStore
from app.core.views import CallView, LastCall, SwitchboardListener

log = logging.getLogger(__name__)

KEEP_ENDED = 50  # ended sessions kept in memory for the card / note form


@dataclass(frozen=True)
class CallPolicy:
    """[general] as far as calls go; replaced as a whole when settings change."""

    default_region: str | None = None
    auto_log: bool = False
    pop_on: str = "ring"  # "ring", "answer" or "never": when a call's card pops


class CallBook:
    def __init__(self, store: CallStore, listener: SwitchboardListener, policy: CallPolicy, *,
                 recall: Callable[[str, datetime], LastCall | None] = lambda _e164, _before: None) -> None:
        """`recall(e164, before)`: the previous call with a number, from history (core.history)."""
        self._store = store
        self._recall = recall
        self._listener = listener
        self._policy = policy
        self._sessions: dict[str, CallSession] = {}
        self._unsaved: dict[str, str] = {}  # call id → why its latest state could not be committed
        self._writing: dict[str, Future[None]] = {}  # call id → its latest write, until it is settled
        self._held: dict[str, Callable[[], None]] = {}  # call id → its first write, held by persist_soon
        self._paused = False
        self.paused_until = ""  # "until 14:45" when a timed pause will end (core.pause)

    @property
    def policy(self) -> CallPolicy:
        return self._policy

    def set_policy(self, policy: CallPolicy) -> None:
        """Settings changed: they hold from the next call on."""
        self._policy = policy

    @property
    def paused(self) -> bool:
        """Pops paused from the tray: calls are followed and saved, but no card or note form shows."""
        return self._paused

    def set_paused(self, paused: bool, until: str = "") -> None:
        self._paused = paused
        self.paused_until = until if paused else ""

    # -- the sessions -------------------------------------------------------------------------------

    def get(self, call_id: str) -> CallSession | None:
        return self._sessions.get(call_id)

    @property
    def by_id(self) -> Mapping[str, CallSession]:
        return self._sessions

    def sessions(self) -> list[CallSession]:
        """Oldest first."""
        return list(self._sessions.values())

    def add(self, session: CallSession) -> None:
        """A new call (what else is known of the caller is added when it is first published)."""
        self._sessions[session.call_id] = session
        ended = [s for s in self._sessions.values() if not s.open]
        for old in ended[: max(0, len(ended) - KEEP_ENDED)]:
            del self._sessions[old.call_id]
            self._unsaved.pop(old.call_id, None)

    def recent(self, limit: int = 10) -> list[CallView]:
        return [s.view() for s in list(self._sessions.values())[::-1][:limit]]

    # -- showing and saving ---------------------------------------------------------------------------

    def _describe(self, session: CallSession) -> None:
        """What is known of the caller without asking any CRM: where they are, the last call with them
        (a read of history). Filled in on the call's first publish, so the ringing card's first paint
        shows it, and no sooner: the switchboard publishes once the CRMs' requests are out."""
        session.described = True
        session.place = caller_place(session.number, self._policy.default_region)
        if session.e164 is not None:
            try:
                session.last_call = self._recall(session.e164, session.started_at)
            except Exception as exc:  # an unreadable history must not stop the card
                log.warning("Could not read the last call before call %s: %s", session.call_id, exc)

    def publish(self, session: CallSession) -> None:
        """Show the call's card as it is now, when cards pop at this point of a call."""
        if not session.described:
            self._describe(session)
        if self._paused or self._policy.pop_on == "never":
            return
        if self._policy.pop_on == "answer" and session.answered_at is None:
            return
        self._listener.call_updated(session.view())

    def show(self, call_id: str) -> None:
        """Show a call's card again: something about it changed outside a lookup."""
        session = self._sessions.get(call_id)
        if session is not None:
            self.publish(session)

    def not_stored(self, call_id: str) -> str | None:
        """Why the call's latest settled write did not reach history, or None when it did."""
        return self._unsaved.get(call_id)

    async def stored(self, call_id: str) -> str | None:
        """Once the call's latest write is settled: why it is not in history, or None when it is. What
        a source that answers someone waits on before saying "ok"."""
        while (writing := self._writing.get(call_id)) is not None and not writing.done():
            await asyncio.wait([asyncio.wrap_future(writing)])
        if writing is not None:  # done: its result says, even before _settled has run on the loop
            failure = writing.exception()
            return None if failure is None else str(failure)
        return self._unsaved.get(call_id)

    def persist(self, session: CallSession) -> None:
        """Queue the call as it is now for history. The write is done off the event loop; a failure is
        told to the recruiter once per call when it is known (a full disk must not stop calls)."""
        try:
            writing = self._store.save_call(
                call_id=session.call_id, number=session.number.raw, e164=session.e164,
                direction=session.direction.value, state=session.state.value, source=session.source,
                started_at=session.started_at, answered_at=session.answered_at,
                ended_at=session.ended_at, matches=matches(session), timings=timings(session),
            )
        except Exception as exc:
            self._writing.pop(session.call_id, None)  # this failure is the latest word
            self._settled(session, exc)
            return
        if writing.done():
            self._writing.pop(session.call_id, None)
            self._settled(session, writing.exception())
            return
        self._writing[session.call_id] = writing
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a script): wait for it here
            concurrent_wait([writing])
            self._done(session, writing)
            return
        writing.add_done_callback(lambda _: loop.call_soon_threadsafe(self._done, session, writing))

    def persist_soon(self, session: CallSession) -> None:
        """`persist`, once the CRMs' requests just started are on the wire: the write's work on the
        writer thread took the interpreter lock from the loop just as they were being sent (about half
        a millisecond of every answer). `stored` waits for it meanwhile."""
        pending: Future[None] = Future()
        self._writing[session.call_id] = pending

        def now() -> None:
            if self._held.pop(session.call_id, None) is None:
                return  # queued already, by write_held
            self.persist(session)  # the write as the session is by then: a later event's state included
            pending.set_result(None)

        self._held[session.call_id] = now
        after_requests_sent(now)

    def write_held(self) -> None:
        """Queue now the writes `persist_soon` is holding back: the app is stopping, and the loop may
        not turn again before the database closes."""
        for now in list(self._held.values()):
            now()

    def _done(self, session: CallSession, writing: Future[None]) -> None:
        if self._writing.get(session.call_id) is writing:
            del self._writing[session.call_id]
        self._settled(session, writing.exception())

    def _settled(self, session: CallSession, failure: BaseException | None) -> None:
        if failure is None:
            self._unsaved.pop(session.call_id, None)
            return
        log.error("Could not save call %s to history: %s", session.call_id, failure)
        if session.call_id not in self._unsaved:
            self._listener.message(f"The call with {session.number} is shown but could not be saved "
                                   f"to history ({failure}).", error=True)
        self._unsaved[session.call_id] = str(failure)
