"""Sources → sessions → lookups → notes. Plain asyncio; knows nothing of Qt.

Every event from any source comes through `handle`. The switchboard keeps one CallSession per call,
starts the lookup on ring, asks for a note at hang-up, and publishes views to its listener. It also
implements `Controls`, the intents the UI may send.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any, Protocol

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
from app.core.outbox import Outbox
from app.core.phone import try_normalise
from app.core.session import CallSession, NoteProgress
from app.core.views import CallState, CallView, SwitchboardListener, TrayState
from app.storage.db import NoteRow

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
        self.on_error: Callable[[BaseException], None] = lambda exc: log.error(
            "Background task failed", exc_info=exc)

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
            self._publish(session)
            if self.pop_on == "answer":
                self._listener.call_updated(session.view())
            self._persist(session)
        elif event.type is EventType.HANGUP and session.hang_up(event.at):
            self._ended(session)
        self._tray()
        return session.call_id

    def _find(self, event: CallEvent) -> CallSession | None:
        if event.call_id is not None:
            return self._sessions.get(event.call_id)
        # No id: pair with the newest open call for the same number that had no id either.
        now = event.at
        for session in reversed(self._sessions.values()):
            if session.explicit_id or not session.open:
                continue
            if (now - session.started_at).total_seconds() > PAIRING_WINDOW_S:
                continue
            if _same_number(session, event.number, self.default_region):
                return session
        return None

    def _start(self, event: CallEvent, *, answered: bool = False) -> CallSession:
        session = CallSession.start(
            number=event.number, direction=event.direction, source=event.source, at=event.at,
            default_region=self.default_region, call_id=event.call_id, answered=answered,
            received_ns=event.received_ns or time.perf_counter_ns(),
        )
        session.can_answer = event.source in self._controls
        self._sessions[session.call_id] = session
        self._trim()
        if session.phone is None:
            self._publish(session)
        else:
            session.results = {r.account_id: r for r in self.lookup.pending()}
            self._look_up(session)
            # The requests go out first; the ringing card is painted on the next turn of the loop
            # (painting takes a few ms that would otherwise delay every CRM's answer).
            asyncio.get_running_loop().call_soon(self._publish, session)
            # CRMs that pop their own card (TrackerRMS inboundCall): queued after the paint, never awaited.
            for account in self.lookup.accounts:
                if account.connector.capabilities.notify:
                    self.spawn(account.connector.notify(event, session.phone.e164))
        self._persist(session)
        self._tray()
        return session

    def _look_up(self, session: CallSession) -> None:
        assert session.phone is not None

        def publish(result: AccountResult) -> None:
            session.results[result.account_id] = result
            self._publish(session)

        tasks = self.lookup.start(session.phone.e164, publish)
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
            self.save_note(session.call_id, _auto_text(session), [r.key for r in session.view().chosen()])
        elif self._wants_note(session):
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
                ended_at=session.ended_at, matches=_matches(session), timings=_timings(session),
            )
        except Exception as exc:  # history is a convenience; a full disk must not stop calls
            log.error("Could not save call %s to history: %s", session.call_id, exc)

    def _tray(self) -> None:
        sessions = list(self._sessions.values())
        failed = [p for s in sessions for p in s.notes.values() if p.status is NoteStatus.FAILED]
        sign_in = {r.account_label for s in sessions if s.open for r in s.results.values() if r.needs_sign_in}
        if any(s.state is CallState.RINGING for s in sessions):
            state, detail = TrayState.RINGING, "Incoming call"
        elif any(s.state is CallState.ANSWERED for s in sessions):
            state, detail = TrayState.IN_CALL, "In a call"
        elif failed or sign_in:
            detail = (f"{len(failed)} note(s) could not be logged" if failed
                      else f"{', '.join(sorted(sign_in))} needs you to sign in again")
            state = TrayState.ATTENTION
        else:
            state, detail = TrayState.IDLE, "Paused" if self.paused else "Ready"
        self._listener.tray_state_changed(state, detail)

    # -- controls (intents from the UI) ------------------------------------------------------

    def select_record(self, call_id: str, account_id: str, record_key: str) -> None:
        session = self._sessions.get(call_id)
        if session is not None and session.select(account_id, record_key):
            self._listener.call_updated(session.view())

    def save_note(self, call_id: str, text: str, record_keys: list[str]) -> None:
        session = self._sessions.get(call_id)
        if session is None:
            self._listener.message("That call is no longer open; its note could not be saved.", error=True)
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
                self.outbox.submit(draft)
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
        self.spawn(getattr(control, action)(call_id))

    def card_shown(self, call_id: str) -> None:
        session = self._sessions.get(call_id)
        if session is not None and session.card_shown_ms is None and session.received_ns:
            session.card_shown_ms = (time.perf_counter_ns() - session.received_ns) / 1e6
            self._persist(session)

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self._tray()

    def recent_calls(self, limit: int = 10) -> list[CallView]:
        return [s.view() for s in list(self._sessions.values())[::-1][:limit]]

    def demo_callers(self) -> list[tuple[str, str]]:
        return list(self._demo_callers)


def _same_number(session: CallSession, number: str, region: str | None) -> bool:
    phone = try_normalise(number, region)
    if phone is not None and session.phone is not None:
        return phone.e164 == session.phone.e164
    return number.strip() == session.number.strip()


def _auto_text(session: CallSession) -> str:
    minutes, seconds = divmod(session.duration_s, 60)
    kind = "Inbound" if session.direction is Direction.INBOUND else "Outbound"
    return f"{kind} call, {minutes}m {seconds:02d}s (logged automatically by Ringside)."


def _matches(session: CallSession) -> list[dict[str, Any]]:
    return [
        {"account": r.account_id, "type": rec.type.value, "id": rec.id, "name": rec.name}
        for r in session.results.values() if r.status is LookupStatus.FOUND for rec in r.records
    ]


def _timings(session: CallSession) -> dict[str, Any]:
    return {
        "card_shown_ms": round(session.card_shown_ms, 1) if session.card_shown_ms is not None else None,
        "lookup_ms": {a: round(r.elapsed_ms, 1) for a, r in session.results.items()
                      if r.elapsed_ms is not None},
        "lookup_status": {a: r.status.value for a, r in session.results.items()},
    }
