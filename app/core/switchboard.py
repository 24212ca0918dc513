"""Sources → sessions → lookups → notes. Plain asyncio; knows nothing of Qt.

Every event from any source comes through `handle`. The switchboard keeps one CallSession per call
(in the `CallBook`), starts the lookup on ring, asks for a note at hang-up, and places the calls the
recruiter dials. The recruiter's intents are `AppControls` (core.controls); the tray's state is
`TrayStatus` (core.tray_state).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Protocol

from app.core.call_rows import auto_note_text
from app.core.calls import CallBook, CallPolicy
from app.core.collector import Collector
from app.core.dialing import DIALER, NO_DIALER, Dialer, DialLinks, ManualCalls
from app.core.lookup import LookupService, after_requests_sent
from app.core.models import AccountResult, CallEvent, Direction, EventType
from app.core.notes import NoteTaker
from app.core.notices import Notices
from app.core.phone import CallerNumber, normalise
from app.core.records import RecordDesk
from app.core.session import CallSession
from app.core.tasks import Tasks
from app.core.tray_state import TrayStatus
from app.core.views import CallState, SwitchboardListener
from app.errors import ConfigError, RingsideError

log = logging.getLogger(__name__)

# A ring for a number that already has an open, id-less call within this window is the same call
# (MicroSIP fires both cmdIncomingCall and cmdCallRing).
PAIRING_WINDOW_S = 4 * 3600


class CallControl(Protocol):
    """A source that can act on its own calls (the simulator, a softphone)."""

    async def answer(self, call_id: str) -> None: ...
    async def hang_up(self, call_id: str) -> None: ...


class Switchboard:
    def __init__(
        self,
        *,
        lookup: LookupService,
        book: CallBook,
        tray: TrayStatus,
        tasks: Tasks,
        notes: NoteTaker,
        records: RecordDesk,
        listener: SwitchboardListener,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.lookup = lookup
        self._book = book
        self._tray = tray
        self._tasks = tasks
        self._notes = notes
        self._records = records
        self._listener = listener
        self._now = now
        self._controls: dict[str, CallControl] = {}
        self.dialer: Dialer | None = None  # set_dialer(); None: Ringside can't place calls
        self._no_dialer = NO_DIALER
        self._links = DialLinks()  # our dialled calls ↔ the softphone's ids
        self._notices = Notices(lambda: self.lookup.accounts, tasks.spawn, listener)
        self._collector = Collector()

    # -- settings ------------------------------------------------------------------------------

    async def collect_garbage(self) -> None:
        """Until cancelled: Python's cyclic garbage is collected on the loop's thread only, and
        between calls (`Collector.run`)."""
        await self._collector.run()

    @property
    def lookups_in_flight(self) -> bool:
        """Some call's lookups are still in flight (a cached caller's refresh included)."""
        return self._collector.busy

    @property
    def default_region(self) -> str | None:
        return self._book.policy.default_region

    @property
    def auto_log(self) -> bool:
        return self._book.policy.auto_log

    @property
    def pop_on(self) -> str:
        return self._book.policy.pop_on

    def set_policy(self, policy: CallPolicy) -> None:
        """[general] changed: it holds from the next call on (the card position is the UI's)."""
        self._book.set_policy(policy)

    # -- wiring ----------------------------------------------------------------------------

    def register_control(self, source: str, control: CallControl) -> None:
        self._controls[source] = control

    def control(self, call_id: str) -> tuple[CallControl, str] | None:
        """What can answer or hang up this call, and the call's id as that source knows it."""
        session = self._book.get(call_id)
        control = self._controls.get(session.source) if session else None
        return (control, self._links.remote_id(call_id) or call_id) if control is not None else None

    def session(self, call_id: str) -> CallSession | None:
        return self._book.get(call_id)

    # -- events ----------------------------------------------------------------------------

    def handle(self, event: CallEvent) -> str | None:
        """Apply one event. Returns the call id it belongs to (None if it was ignored)."""
        session = self._find(event)
        if event.type is EventType.RING:
            if session is not None and session.open:
                return session.call_id  # a repeated ring for a call we already show
            return self._start(event).call_id
        if session is None:
            if event.type is EventType.HANGUP:
                log.info("Hang-up for an unknown call (%s) ignored", event.call_id or "no id")
                return None
            session = self._start(event, answered=True)
        if event.type is EventType.ANSWER and session.answer(event.at):
            self._notices.tell(session, event)
            self._book.publish(session)
            if self.pop_on == "answer":
                self._listener.call_updated(session.view())
            self._book.persist(session)
        elif event.type is EventType.HANGUP and session.hang_up(event.at):
            self._notices.tell(session, event)
            self._ended(session)
        self._tray.refresh()
        return session.call_id

    def _find(self, event: CallEvent) -> CallSession | None:
        if event.call_id is not None:
            found = self._book.get(event.call_id)
            return found if found is not None else self._dialled(event)
        # No id: pair with the newest open call for the same number that had no id either.
        now = event.at
        for session in reversed(self._book.sessions()):
            if session.explicit_id or not session.open:
                continue
            if (now - session.started_at).total_seconds() > PAIRING_WINDOW_S:
                continue
            if session.number.same_caller(event.number):
                return session
        return None

    def _start(self, event: CallEvent, *, answered: bool = False) -> CallSession:
        session = CallSession.start(
            number=event.number, direction=event.direction, source=event.source, at=event.at,
            default_region=self.default_region, call_id=event.call_id, answered=answered,
            received_ns=event.received_ns or time.perf_counter_ns(),
        )
        session.can_answer = event.source in self._controls
        session.creatable = self._records.creatable()
        session.by_name = frozenset(a.id for a in self.lookup.accounts if a.connector.capabilities.resolve_ids)
        self._book.add(session)
        asking = False  # requests going out now, with the card's first paint after them
        if not session.number.is_number:  # withheld, an extension: no CRM to ask
            self._book.publish(session)
        else:
            session.results = {r.account_id: r for r in self.lookup.pending()}
            self._look_up(session)
            if any(r.from_cache for r in session.results.values()):
                self._book.publish(session)  # a repeat caller: the whole card at once, from the cache
            else:
                # Nothing to show but the number: the requests go out first and the ringing card is
                # painted a few loop turns later, once they are on the wire (painting would delay every
                # CRM's answer).
                after_requests_sent(self._book.publish, session)
                asking = True
            # CRMs that pop their own card or keep call history: queued after the paint, never awaited.
            self._notices.tell(session, event)
        if asking:
            self._book.persist_soon(session)  # history's write waits for the requests too
        else:
            self._book.persist(session)
        if session.results:
            # The tray's redraw (icon, missed count) waits until the requests are on the wire too.
            after_requests_sent(self._tray.refresh)
        else:
            self._tray.refresh()
        return session

    def _look_up(self, session: CallSession) -> None:
        # Cached answers come back inside lookup.start: store them for _start's single first paint
        # rather than painting the card once per cached account.
        started = False

        def publish(result: AccountResult) -> None:
            session.results[result.account_id] = result
            session.carry()
            self._tray.looked_up(result)
            if started:
                self._book.publish(session)

        tasks = self.lookup.start(session.number, publish)
        started = True
        for task in tasks:
            self._tasks.own(task)
        self._collector.looking_up()
        self._tasks.spawn(self._looked_up(session, tasks))

    async def _looked_up(self, session: CallSession, tasks: list[asyncio.Task[None]]) -> None:
        try:
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            self._collector.looked_up()
        self._book.persist(session)
        self._tray.refresh()

    def _ended(self, session: CallSession) -> None:
        self._book.publish(session)
        self._book.persist(session)
        if self.auto_log:
            self._tasks.spawn(self._notes.auto_log(session, session.draft.strip() or auto_note_text(session)))
        elif self._wants_note(session):
            self._records.check_links(session)
            self._listener.note_requested(session.view())

    def _wants_note(self, session: CallSession) -> bool:
        # Nobody talked on a missed inbound call; an unanswered outbound one (voicemail) is
        # still worth a note.
        missed_inbound = session.state is CallState.MISSED and session.direction is Direction.INBOUND
        return not self._book.paused and session.number.is_number and not missed_inbound

    # -- placing calls (app.core.dialing) ----------------------------------------------------------

    def set_dialer(self, dialer: Dialer | None, *, problem: str | None = None) -> None:
        """`problem`: why there is none (a broken [dialer] section), said when the recruiter dials."""
        self.dialer = dialer
        self._no_dialer = problem or NO_DIALER
        if dialer is not None and dialer.source == DIALER:  # no source reports its calls: the card does
            self.register_control(DIALER, ManualCalls(self.handle, self.session))

    async def place_call(self, number: str, tell: bool = True) -> str:
        """Dial `number` (normalised with the default region first); returns the id of the outbound
        call whose card popped. A refusal is raised as a RingsideError, and shown as a message unless
        `tell` is False (a command in a terminal prints it instead)."""
        try:
            return await self._place_call(number)
        except RingsideError as exc:
            if tell:
                self._listener.message(f"Couldn't call {number.strip() or 'that number'}: {exc}", error=True)
            raise

    async def _place_call(self, number: str) -> str:
        dialer = self.dialer
        if dialer is None:
            raise ConfigError(self._no_dialer)
        caller = CallerNumber.parse(number, self.default_region)
        phone = caller.phone or normalise(number, self.default_region)  # no number to dial: says why
        caller = replace(caller, raw=phone.e164)  # history keeps the number as it was dialled
        session = self._start(CallEvent(type=EventType.RING, number=caller, direction=Direction.OUTBOUND,
                                        source=dialer.source, at=self._now(), received_ns=time.perf_counter_ns()))
        session.manual = dialer.source == DIALER
        if not session.manual:
            self._links.expect(session.call_id, phone.e164)
        try:
            await dialer.dial(phone)
        except BaseException:
            self._links.forget(session.call_id)
            if session.hang_up(self._now()):
                session.note_closed = True  # the call never went out: nothing to note
                self._book.publish(session)
                self._book.persist(session)
                self._tray.refresh()
            raise
        return session.call_id

    def _dialled(self, event: CallEvent) -> CallSession | None:
        """A call Ringside placed, now reported by its softphone under an id of its own."""
        session = self._book.get(self._links.match(event, self._book.by_id) or "")
        if session is not None:
            session.explicit_id = True
            if event.source in self._controls and session.source != event.source:
                session.source, session.can_answer, session.manual = event.source, True, False
        return session
