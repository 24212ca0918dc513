"""Sources → sessions → lookups → notes. Plain asyncio; knows nothing of Qt.

Every event from any source comes through `handle`. The switchboard keeps one CallSession per call,
starts the lookup on ring, asks for a note at hang-up, and publishes views to its listener. It also
implements `Controls`, the intents the UI may send.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Collection, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from app.core.call_rows import auto_note_text, matches, same_number, timings
from app.core.dialing import DIALER, NO_DIALER, Dialer, DialLinks, ManualCalls
from app.core.history import CallHistory
from app.core.lookup import LookupService
from app.core.models import (
    AccountResult,
    CallEvent,
    Direction,
    EventType,
    LookupStatus,
    NoteDraft,
    NoteStatus,
)
from app.core.notices import Notices
from app.core.outbox import Outbox
from app.core.phone import normalise
from app.core.ports import NewPerson, NewRecordKind
from app.core.records import Adjust, RecordDesk
from app.core.session import CallSession, NoteProgress
from app.core.tray_state import tray_state
from app.core.views import CallState, CallView, MissedCall, SwitchboardListener
from app.errors import ConfigError, RingsideError
from app.storage.db import NoteBusy, NoteRow

log = logging.getLogger(__name__)

# A ring for a number that already has an open, id-less call within this window is the same call
# (MicroSIP fires both cmdIncomingCall and cmdCallRing).
PAIRING_WINDOW_S = 4 * 3600
KEEP_ENDED = 50  # ended sessions kept in memory for the card / note form


class CallControl(Protocol):
    """A source that can act on its own calls (the simulator, a softphone)."""

    async def answer(self, call_id: str) -> None: ...
    async def hang_up(self, call_id: str) -> None: ...


class CallStore(Protocol):
    def save_call(
        self, *, call_id: str, number: str, e164: str | None, direction: str, state: str, source: str,
        started_at: datetime, answered_at: datetime | None, ended_at: datetime | None,
        matches: list[dict[str, Any]], timings: dict[str, Any],
    ) -> None: ...


class Switchboard:
    def __init__(
        self,
        *,
        lookup: LookupService,
        outbox: Outbox,
        store: CallStore,
        listener: SwitchboardListener,
        default_region: str | None,
        auto_log: bool = False,
        pop_on: str = "ring",
        demo_callers: list[tuple[str, str]] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.lookup = lookup
        self.outbox = outbox
        self._store = store
        self._listener = listener
        self.default_region = default_region
        self.auto_log = auto_log
        self.pop_on = pop_on
        self._demo_callers = demo_callers or []
        self._now = now
        self._sessions: dict[str, CallSession] = {}
        self._controls: dict[str, CallControl] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self.paused = False
        self.dialer: Dialer | None = None  # set_dialer(); None: Ringside can't place calls
        self._no_dialer = NO_DIALER
        self._links = DialLinks(lambda: self.default_region)  # our dialled calls ↔ the softphone's ids
        self._offline: dict[str, str] = {}  # softphone source name -> what is not connected
        self.notices = Notices(lambda: self.lookup.accounts, self.spawn, listener)
        self._presence: dict[str, str] = {}  # e.g. "retailCRM" -> "Busy": shown with the tray's state
        self.on_error: Callable[[BaseException], None] = lambda exc: log.error(
            "Background task failed", exc_info=exc)
        self.records = RecordDesk(self, listener)  # records created from cards; note links
        # "Sign in again": set by the runtime (it owns the secrets); accounts whose sign-in failed
        # stay flagged on the tray after their call ends, until a lookup works or they sign in again.
        self.sign_in_handler: Callable[[str], None] | None = None
        self.history: CallHistory | None = None  # set by the runtime: past calls, missed-call list
        self._signed_out: dict[str, str] = {}  # account id -> label

    # -- wiring ----------------------------------------------------------------------------

    def register_control(self, source: str, control: CallControl) -> None:
        self._controls[source] = control

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Start a coroutine the switchboard owns: kept referenced, errors routed to on_error."""
        return self._own(asyncio.get_running_loop().create_task(coro))

    def _own(self, task: asyncio.Task[Any]) -> asyncio.Task[Any]:
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            assert exc is not None
            self.on_error(exc)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def session(self, call_id: str) -> CallSession | None:
        return self._sessions.get(call_id)

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
            self.notices.tell(session, event)
            self._publish(session)
            if self.pop_on == "answer":
                self._listener.call_updated(session.view())
            self._persist(session)
        elif event.type is EventType.HANGUP and session.hang_up(event.at):
            self.notices.tell(session, event)
            self._ended(session)
        self._tray()
        return session.call_id

    def _find(self, event: CallEvent) -> CallSession | None:
        if event.call_id is not None:
            found = self._sessions.get(event.call_id)
            return found if found is not None else self._dialled(event)
        # No id: pair with the newest open call for the same number that had no id either.
        now = event.at
        for session in reversed(self._sessions.values()):
            if session.explicit_id or not session.open:
                continue
            if (now - session.started_at).total_seconds() > PAIRING_WINDOW_S:
                continue
            if same_number(session, event.number, self.default_region):
                return session
        return None

    def _start(self, event: CallEvent, *, answered: bool = False) -> CallSession:
        session = CallSession.start(
            number=event.number, direction=event.direction, source=event.source, at=event.at,
            default_region=self.default_region, call_id=event.call_id, answered=answered,
            received_ns=event.received_ns or time.perf_counter_ns(),
        )
        session.can_answer = event.source in self._controls
        session.creatable = self.records.creatable()
        self._sessions[session.call_id] = session
        self._trim()
        if session.phone is None:
            self._publish(session)
        else:
            session.results = {r.account_id: r for r in self.lookup.pending()}
            self._look_up(session)
            if any(r.from_cache for r in session.results.values()):
                self._publish(session)  # a repeat caller: the whole card at once, from the cache
            else:
                # Nothing to show but the number: the requests go out first and the ringing card is
                # painted on the next turn of the loop (painting would delay every CRM's answer).
                asyncio.get_running_loop().call_soon(self._publish, session)
            # CRMs that pop their own card or keep call history: queued after the paint, never awaited.
            self.notices.tell(session, event)
        self._persist(session)
        self._tray()
        return session

    def _look_up(self, session: CallSession) -> None:
        assert session.phone is not None
        # Cached answers come back inside lookup.start: store them for _start's single first paint
        # rather than painting the card once per cached account.
        started = False

        def publish(result: AccountResult) -> None:
            session.results[result.account_id] = result
            self._track_sign_in(result)
            if started:
                self._publish(session)

        tasks = self.lookup.start(session.phone.e164, publish)
        started = True
        for task in tasks:
            self._own(task)
        self.spawn(self._looked_up(session, tasks))

    async def _looked_up(self, session: CallSession, tasks: list[asyncio.Task[None]]) -> None:
        await asyncio.gather(*tasks, return_exceptions=True)
        self._persist(session)
        self._tray()

    def _ended(self, session: CallSession) -> None:
        self._publish(session)
        self._persist(session)
        if self.auto_log:
            self.save_note(session.call_id, auto_note_text(session), [r.key for r in session.view().chosen()])
        elif self._wants_note(session):
            self.records.check_links(session)
            self._listener.note_requested(session.view())

    def _wants_note(self, session: CallSession) -> bool:
        # Nobody talked on a missed inbound call; an unanswered outbound one (voicemail) is
        # still worth a note.
        missed_inbound = session.state is CallState.MISSED and session.direction is Direction.INBOUND
        return not self.paused and session.phone is not None and not missed_inbound

    def _trim(self) -> None:
        ended = [s for s in self._sessions.values() if not s.open]
        for session in ended[: max(0, len(ended) - KEEP_ENDED)]:
            del self._sessions[session.call_id]

    def _publish(self, session: CallSession) -> None:
        if self.paused or self.pop_on == "never":
            return
        if self.pop_on == "answer" and session.answered_at is None:
            return
        self._listener.call_updated(session.view())

    def _persist(self, session: CallSession) -> None:
        try:
            self._store.save_call(
                call_id=session.call_id, number=session.number,
                e164=session.phone.e164 if session.phone else None,
                direction=session.direction.value, state=session.state.value, source=session.source,
                started_at=session.started_at, answered_at=session.answered_at,
                ended_at=session.ended_at, matches=matches(session), timings=timings(session),
            )
        except Exception as exc:  # history is a convenience; a full disk must not stop calls
            log.error("Could not save call %s to history: %s", session.call_id, exc)

    def _tray(self) -> None:
        state, detail = tray_state(
            list(self._sessions.values()), outbox_attention=self.outbox.attention,
            signed_out=set(self._signed_out.values()), offline=self._offline, presence=self._presence,
            paused=self.paused)
        self._listener.tray_state_changed(state, detail)

    # -- controls (intents from the UI) ------------------------------------------------------

    def select_record(self, call_id: str, account_id: str, record_key: str) -> None:
        session = self._sessions.get(call_id)
        if session is not None and session.select(account_id, record_key):
            self._listener.call_updated(session.view())
            self.records.links_changed(call_id)

    def save_note(self, call_id: str, text: str, record_keys: list[str]) -> None:
        session = self._sessions.get(call_id)
        if session is None:
            self._note_past_call(call_id, text, record_keys)
            return
        session.note_closed = True
        for key in record_keys:
            record = session.record(key)
            if record is None:
                continue
            label = session.results[record.account_id].account_label
            draft = NoteDraft(
                call_id=session.call_id, account_id=record.account_id, record=record,
                direction=session.direction, text=text, call_started_at=session.started_at,
                duration_s=session.duration_s,
            )
            session.notes[key] = NoteProgress(record.account_id, label, record, NoteStatus.PENDING)
            try:
                row = self.outbox.submit(draft)  # not pending when already logged or being checked
                session.notes[key].status, session.notes[key].message = row.status, row.last_error
            except NoteBusy as exc:  # the earlier text is on the wire: it stays pending, as it is
                self._listener.message(str(exc), error=True)
            except Exception as exc:
                session.notes[key].status = NoteStatus.FAILED
                session.notes[key].message = f"Could not store the note: {exc}"
                self._listener.message(f"Could not store the note: {exc}", error=True)
        self._listener.call_updated(session.view())
        self._tray()

    def note_changed(self, row: NoteRow) -> None:
        """The outbox delivered (or gave up on) a note."""
        session = self._sessions.get(row.call_id)
        if session is None:
            self._tray()  # a past call's note: the history window and tray refresh on this
            return
        progress = session.notes.get(row.record_key)
        if progress is None:
            record = row.draft.record
            label = session.results.get(record.account_id)
            progress = NoteProgress(record.account_id, label.account_label if label else record.account_id,
                                    record, row.status)
            session.notes[row.record_key] = progress
        progress.status = row.status
        progress.message = row.last_error
        self._listener.call_updated(session.view())
        self._tray()

    def skip_note(self, call_id: str) -> None:
        session = self._sessions.get(call_id)
        if session is not None:
            session.note_closed = True

    def dismiss(self, call_id: str) -> None:
        """The recruiter closed the card; the call itself goes on."""

    def simulate_call(self, number: str, direction: Direction = Direction.INBOUND) -> None:
        self.handle(CallEvent(type=EventType.RING, number=number, direction=direction,
                              source="simulator", at=self._now(), received_ns=time.perf_counter_ns()))

    def answer(self, call_id: str) -> None:
        self._act(call_id, "answer")

    def hang_up(self, call_id: str) -> None:
        self._act(call_id, "hang_up")

    def _act(self, call_id: str, action: str) -> None:
        session = self._sessions.get(call_id)
        control = self._controls.get(session.source) if session else None
        if session is None or control is None:
            self._listener.message("This call can't be controlled from Ringside.", error=True)
            return
        self.spawn(getattr(control, action)(self._links.remote_id(call_id) or call_id))

    def card_shown(self, call_id: str) -> None:
        session = self._sessions.get(call_id)
        if session is not None and session.card_shown_ms is None and session.received_ns:
            session.card_shown_ms = (time.perf_counter_ns() - session.received_ns) / 1e6
            self._persist(session)

    def set_presence(self, who: str, status: str | None) -> None:
        """A CRM told us the recruiter's status there (retailCRM: Free, Busy…); None clears it."""
        if status:
            self._presence[who] = status
        else:
            self._presence.pop(who, None)
        self._tray()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self._tray()

    def recent_calls(self, limit: int = 10) -> list[CallView]:
        return [s.view() for s in list(self._sessions.values())[::-1][:limit]]

    def demo_callers(self) -> list[tuple[str, str]]:
        return list(self._demo_callers)

    # -- placing calls (app.core.dialing) ----------------------------------------------------------

    def set_dialer(self, dialer: Dialer | None, *, problem: str | None = None) -> None:
        """`problem`: why there is none (a broken [dialer] section), said when the recruiter dials."""
        self.dialer = dialer
        self._no_dialer = problem or NO_DIALER
        if dialer is not None and dialer.source == DIALER:  # no source reports its calls: the card does
            self.register_control(DIALER, ManualCalls(self.handle, self.session))

    def dial(self, number: str) -> None:
        self.spawn(self._dial_told(number))

    async def _dial_told(self, number: str) -> None:
        with contextlib.suppress(RingsideError):  # place_call has told the recruiter why
            await self.place_call(number)

    async def place_call(self, number: str) -> str:
        """Dial `number` (normalised with the default region first); returns the id of the outbound
        call whose card popped. A refusal is shown as a message and raised as a RingsideError."""
        try:
            return await self._place_call(number)
        except RingsideError as exc:
            self._listener.message(f"Couldn't call {number.strip() or 'that number'}: {exc}", error=True)
            raise

    async def _place_call(self, number: str) -> str:
        dialer = self.dialer
        if dialer is None:
            raise ConfigError(self._no_dialer)
        phone = normalise(number, self.default_region)
        session = self._start(CallEvent(type=EventType.RING, number=phone.e164, direction=Direction.OUTBOUND,
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
                self._publish(session)
                self._persist(session)
                self._tray()
            raise
        return session.call_id

    def _dialled(self, event: CallEvent) -> CallSession | None:
        """A call Ringside placed, now reported by its softphone under an id of its own."""
        session = self._sessions.get(self._links.match(event, self._sessions) or "")
        if session is not None:
            session.explicit_id = True
            if event.source in self._controls and session.source != event.source:
                session.source, session.can_answer, session.manual = event.source, True, False
        return session

    def softphone_status(self, name: str, connected: bool, detail: str = "") -> None:
        """A softphone source connected or went away: the tray says so while one is away."""
        if connected:
            self._offline.pop(name, None)
        else:
            self._offline[name] = detail or f"{name} is not connected"
        self._tray()

    def sign_in(self, account_id: str) -> None:
        if self.sign_in_handler is None:
            self._listener.message(f"Run `ringside account connect {account_id}` to sign in again.", error=True)
            return
        self.sign_in_handler(account_id)

    def accounts_needing_sign_in(self) -> list[tuple[str, str]]:
        return sorted(self._signed_out.items(), key=lambda item: item[1])

    def signed_in(self, account_id: str | None) -> None:
        """An account's sign-in was redone (None: all of them): stop flagging it until it fails again."""
        if account_id is None:
            self._signed_out.clear()
        else:
            self._signed_out.pop(account_id, None)
        self._tray()

    def _track_sign_in(self, result: AccountResult) -> None:
        if result.needs_sign_in:
            self._signed_out[result.account_id] = result.account_label
        elif result.status in (LookupStatus.FOUND, LookupStatus.NOT_FOUND):
            self._signed_out.pop(result.account_id, None)

    def create_record(self, call_id: str, account_id: str, kind: NewRecordKind, person: NewPerson) -> None:
        self.records.create_record(call_id, account_id, kind, person)

    def create_from_resume(self, call_id: str, account_id: str, path: Path) -> None:
        self.records.create_from_resume(call_id, account_id, path)

    # -- for core.records ------------------------------------------------------------------------

    def publish(self, call_id: str) -> None:
        """Show a call's card again: something about it changed outside a lookup."""
        session = self._sessions.get(call_id)
        if session is not None:
            self._publish(session)

    def look_up_again(self, call_id: str, account_ids: Collection[str],
                      adjust: Adjust | None = None) -> asyncio.Task[Any] | None:
        """Ask some accounts about a call's number again (a record was just created there); `adjust`
        amends each answer before the card shows it. None when the call is gone or has no number."""
        session = self._sessions.get(call_id)
        if session is None or session.phone is None:
            return None
        accounts = [a for a in self.lookup.accounts if a.id in account_ids]

        def publish(result: AccountResult) -> None:
            session.results[result.account_id] = adjust(result) if adjust is not None else result
            self._publish(session)

        tasks = [self._own(t) for t in LookupService(accounts, self.lookup.cache).start(session.phone.e164, publish)]
        return self.spawn(self._looked_up(session, tasks))


    # -- history, notes after the fact, missed calls (core.history) -----------------------------

    def call_history(self, limit: int = 200) -> list[CallView]:
        stored = self.history.calls(limit) if self.history is not None else []
        live = {s.call_id: s.view() for s in self._sessions.values() if s.open}
        return [*live.values()][::-1] + [v for v in stored if v.call_id not in live]

    def _note_past_call(self, call_id: str, text: str, record_keys: list[str]) -> None:
        try:
            if self.history is None:
                raise KeyError(call_id)
            self.history.save_note(call_id, text, record_keys)
        except KeyError:
            self._listener.message("That call is no longer in history; its note could not be saved.", error=True)
        except Exception as exc:  # NoteBusy, a full disk: the recruiter's text is still in the form
            self._listener.message(f"Could not store the note: {exc}", error=True)
        self._tray()

    def retry_note(self, call_id: str, record_key: str) -> None:
        self._decided(self.outbox.retry(call_id, record_key))

    def confirm_note(self, call_id: str, record_key: str) -> None:
        self._decided(self.outbox.confirm(call_id, record_key))

    def dismiss_note(self, call_id: str, record_key: str) -> None:
        self._decided(self.outbox.dismiss(call_id, record_key))

    def _decided(self, row: NoteRow | None) -> None:
        if row is None:  # delivered, or retried from elsewhere, meanwhile
            self._listener.message("That note has changed meanwhile; nothing was done.")
        self._tray()

    def refresh_tray(self) -> None:
        """Tell the UI the tray's state now (at start-up: notes left failed or unconfirmed last time)."""
        self._tray()

    def missed_calls(self) -> list[MissedCall]:
        return self.history.missed() if self.history is not None else []

    def dismiss_missed(self, key: str) -> None:
        if self.history is not None:
            self.history.dismiss_missed(key)
        self._tray()
