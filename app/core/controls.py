"""The recruiter's intents (`views.Controls`): what the card, note form, tray and history window ask.

Calls in memory are reached through the `CallBook`; calls no longer in memory through `CallHistory`,
so a call from last week can be noted, retried or confirmed like one that just ended. An intent that
writes (a note, a draft, a reminder, a dismissal) is written off the event loop: it returns the task
that waits for the commit (core and tests await it; the UI hears the outcome through the listener,
the tray, or `save_note`'s `saved`), and nothing is reported done before it is committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from app.core.calls import CallBook
from app.core.drafts import Drafts
from app.core.history import CallHistory
from app.core.models import CallEvent, Direction, EventType
from app.core.notes import NoteTaker
from app.core.outbox import Outbox
from app.core.pause import Pause
from app.core.people_search import PeopleFound, PeopleSearch
from app.core.phone import CallerNumber, normalise
from app.core.ports import NewPerson, NewRecordKind
from app.core.records import RecordDesk
from app.core.reminders import MemoryReminders, Reminder, Reminders
from app.core.stores import NoteRow
from app.core.switchboard import CallControl, Switchboard
from app.core.tasks import Tasks
from app.core.tray_state import TrayStatus
from app.core.views import CallView, Controls, DraftView, MissedCall, PauseFor, SwitchboardListener
from app.errors import RingsideError

log = logging.getLogger(__name__)


class AppControls:
    def __init__(
        self,
        *,
        switchboard: Switchboard,
        book: CallBook,
        tray: TrayStatus,
        tasks: Tasks,
        notes: NoteTaker,
        records: RecordDesk,
        outbox: Outbox,
        history: CallHistory,
        listener: SwitchboardListener,
        drafts: Drafts,
        pause: Pause,
        sign_in: Callable[[str], None] | None = None,
        demo_callers: list[tuple[str, str]] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        reminders: Reminders | None = None,
        people: PeopleSearch | None = None,
    ) -> None:
        self._switchboard = switchboard
        self._reminders = reminders or Reminders(MemoryReminders(), lambda r: None, now=now)
        self._book = book
        self._tray = tray
        self._tasks = tasks
        self._notes = notes
        self._records = records
        self._outbox = outbox
        self._history = history
        self._listener = listener
        self._drafts = drafts
        self._pause = pause
        # "Sign in again": the runtime's (it owns the secrets); None: only the CLI can do it.
        self._sign_in = sign_in
        self._demo_callers = list(demo_callers or [])
        self._now = now
        self._people = people
        self._missed_shown: Callable[[int], object] = lambda count: None  # where the count of missed calls goes
        self._counting_missed: asyncio.Task[None] | None = None
        self._count_missed_again = False

    # -- the call on the card --------------------------------------------------------------------

    def select_record(self, call_id: str, account_id: str, record_key: str) -> None:
        session = self._book.get(call_id)
        if session is not None and session.select(account_id, record_key):
            self._listener.call_updated(session.view())
            self._records.links_changed(call_id)

    def dismiss(self, call_id: str) -> None:
        """The recruiter closed the card; the call itself goes on."""

    def answer(self, call_id: str) -> None:
        target = self._control(call_id)
        if target is not None:
            control, remote_id = target
            self._tasks.spawn(control.answer(remote_id))

    def hang_up(self, call_id: str) -> None:
        target = self._control(call_id)
        if target is not None:
            control, remote_id = target
            self._tasks.spawn(control.hang_up(remote_id))

    def _control(self, call_id: str) -> tuple[CallControl, str] | None:
        target = self._switchboard.control(call_id)
        if target is None:
            self._listener.message("This call can't be controlled from Ringside.", error=True)
        return target

    def card_shown(self, call_id: str) -> None:
        session = self._book.get(call_id)
        if session is not None and session.card_shown_ms is None and session.received_ns:
            session.card_shown_ms = (time.perf_counter_ns() - session.received_ns) / 1e6
            self._book.persist(session)

    def create_record(self, call_id: str, account_id: str, kind: NewRecordKind, person: NewPerson) -> None:
        self._records.create_record(call_id, account_id, kind, person)

    def create_from_resume(self, call_id: str, account_id: str, path: Path) -> None:
        self._records.create_from_resume(call_id, account_id, path)

    # -- notes -------------------------------------------------------------------------------------

    def save_note(self, call_id: str, text: str, record_keys: list[str],
                  saved: Callable[[bool], None] | None = None) -> asyncio.Task[bool]:
        return self._tasks.spawn(self._save_note(call_id, text, record_keys, saved or _ignore))

    async def _save_note(self, call_id: str, text: str, record_keys: list[str], saved: Callable[[bool], None]) -> bool:
        session = self._book.get(call_id)
        if session is not None:
            stored = await self._notes.save(session, text, record_keys)
        else:
            stored = await self._save_past_note(call_id, text, record_keys)
            self._tray.refresh()
        saved(stored)
        return stored

    async def _save_past_note(self, call_id: str, text: str, record_keys: list[str]) -> bool:
        try:  # a call no longer in memory: logged as of that call
            await self._history.save_note(call_id, text, record_keys)
        except KeyError:
            self._listener.message("That call is no longer in history; its note could not be saved.", error=True)
        except Exception as exc:  # NoteBusy, a full disk: the recruiter's text is still in the form
            self._listener.message(f"Could not store the note: {exc}", error=True)
        else:
            return True
        return False

    def skip_note(self, call_id: str) -> None:
        session = self._book.get(call_id)
        if session is not None:
            session.note_closed = True

    def keep_draft(self, call_id: str, text: str) -> asyncio.Task[None]:
        return self._tasks.spawn(self._keep_draft(call_id, text))

    async def _keep_draft(self, call_id: str, text: str) -> None:
        session = self._book.get(call_id)
        if session is not None:
            await self._notes.keep_draft(session, text)
        else:
            await self._drafts.keep(call_id, text)
        self._tray.refresh()

    def drafts(self) -> list[DraftView]:
        labels = {a.id: a.label for a in self._switchboard.lookup.accounts}
        return [DraftView(r.call_id, r.text, r.updated_at, tuple(labels.get(a, a) for a in r.needs_pick))
                for r in self._drafts.all()]

    def discard_draft(self, call_id: str) -> asyncio.Task[None]:
        session = self._book.get(call_id)
        if session is not None:
            session.draft = ""
        return self._tasks.spawn(self._discard_draft(call_id))

    async def _discard_draft(self, call_id: str) -> None:
        await self._drafts.forget(call_id)
        self._tray.refresh()

    def retry_note(self, call_id: str, record_key: str) -> asyncio.Task[None]:
        return self._tasks.spawn(self._decided(self._outbox.retry(call_id, record_key)))

    def confirm_note(self, call_id: str, record_key: str) -> asyncio.Task[None]:
        return self._tasks.spawn(self._decided(self._outbox.confirm(call_id, record_key)))

    def dismiss_note(self, call_id: str, record_key: str) -> asyncio.Task[None]:
        return self._tasks.spawn(self._decided(self._outbox.dismiss(call_id, record_key)))

    async def _decided(self, deciding: Awaitable[NoteRow | None]) -> None:
        try:
            row = await deciding
        except RingsideError as exc:  # a full or read-only disk: nothing changed, and the recruiter knows
            self._listener.message(f"Could not store that: {exc}", error=True)
        else:
            if row is None:  # delivered, or retried from elsewhere, meanwhile
                self._listener.message("That note has changed meanwhile; nothing was done.")
        self._tray.refresh()

    # -- history and the callback list -------------------------------------------------------------

    def recent_calls(self, limit: int = 10) -> list[CallView]:
        return self._book.recent(limit)

    def call_history(self, limit: int = 200, search: str = "") -> list[CallView]:
        stored = self._history.calls(limit, search)
        live = {s.call_id: s.view() for s in self._book.sessions() if s.open}
        drafts = {r.call_id: r.text for r in self._drafts.all()}
        if search.strip():  # a live call is listed when the stored one matched
            views = [live.get(v.call_id, v) for v in stored]
        else:
            views = [*live.values()][::-1] + [v for v in stored if v.call_id not in live]
        return [dataclasses.replace(v, draft=drafts[v.call_id]) if v.call_id in drafts and not v.draft else v
                for v in views]

    def missed_calls(self) -> list[MissedCall]:
        return self._history.missed()

    def count_missed(self, then: Callable[[int], object]) -> None:
        self._missed_shown = then
        if self._counting_missed is not None:  # counted again once this count is in, for what changed meanwhile
            self._count_missed_again = True
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # Qt turning events with the loop stopped (the app stopping): nothing to count on
            return
        task = self._counting_missed = self._tasks.spawn(self._count_missed())
        task.add_done_callback(self._missed_counted)  # also when cancelled before its first step

    def _missed_counted(self, task: asyncio.Task[None]) -> None:
        if self._counting_missed is task:
            self._counting_missed = None

    async def _count_missed(self) -> None:
        try:
            again = True
            while again:
                self._count_missed_again = False
                try:
                    count = await self._history.count_missed()
                except Exception as exc:  # an unreadable history: the badge keeps its last count
                    log.warning("Could not count the missed calls to return: %s", exc)
                    return
                self._missed_shown(count)
                again = self._count_missed_again
        finally:
            self._counting_missed = None

    def dismiss_missed(self, key: str) -> asyncio.Task[None]:
        return self._tasks.spawn(self._dismiss_missed(key))

    async def _dismiss_missed(self, key: str) -> None:
        try:
            await self._history.dismiss_missed(key)
        except RingsideError as exc:  # still on the list, as it still is in the database
            self._listener.message(f"Could not take that number off the list: {exc}", error=True)
        self._tray.refresh()

    # -- call-back reminders (the note form's "Call back in…", history's to-call-back list) ---------

    def call_back_later(self, call_id: str, due_at: datetime) -> asyncio.Task[None]:
        return self._tasks.spawn(self._call_back_later(call_id, due_at))

    async def _call_back_later(self, call_id: str, due_at: datetime) -> None:
        session = self._book.get(call_id)
        view = session.view() if session is not None else self._history.view(call_id)
        if view is None:
            self._listener.message("That call is no longer in history; no reminder was set.", error=True)
            return
        chosen = view.chosen()
        try:
            await self._reminders.add(call_id, view.number, chosen[0].name if chosen else "", due_at)
        except RingsideError as exc:  # a full or read-only disk: say so rather than forget silently
            self._listener.message(f"Could not store the reminder: {exc}", error=True)

    def reminders(self) -> list[Reminder]:
        return self._reminders.open()

    def reminder_done(self, reminder_id: int) -> asyncio.Task[None]:
        return self._tasks.spawn(self._reminder_done(reminder_id))

    async def _reminder_done(self, reminder_id: int) -> None:
        try:
            await self._reminders.done(reminder_id)
        except RingsideError as exc:  # still listed, as it still is in the database
            self._listener.message(f"Could not mark the reminder done: {exc}", error=True)

    # -- the tray ----------------------------------------------------------------------------------

    def set_paused(self, paused: bool) -> None:
        if paused:
            self._pause.pause(None)
        else:
            self._pause.resume()

    def pause(self, choice: PauseFor) -> None:
        self._pause.pause(choice)

    def is_paused(self) -> bool:
        return self._book.paused

    def demo_callers(self) -> list[tuple[str, str]]:
        return list(self._demo_callers)

    def simulate_call(self, number: str, direction: Direction = Direction.INBOUND) -> None:
        caller = CallerNumber.read(number, self._switchboard.default_region)  # typed in the tray: the door
        self._switchboard.handle(CallEvent(type=EventType.RING, number=caller, direction=direction,
                                           source="simulator", at=self._now(), received_ns=time.perf_counter_ns()))

    def dial(self, number: str) -> None:
        self._tasks.spawn(self._dial_told(number))

    def number_problem(self, number: str) -> str | None:
        try:
            normalise(number, self._switchboard.default_region)
        except RingsideError as exc:
            return str(exc)
        return None

    def search_people(self, text: str, found: Callable[[PeopleFound], None]) -> int:
        return self._people.start(text, found) if self._people is not None else 0

    def people_sources(self) -> list[str]:
        return self._people.sources() if self._people is not None else []

    async def _dial_told(self, number: str) -> None:
        with contextlib.suppress(RingsideError):  # place_call has told the recruiter why
            await self._switchboard.place_call(number)

    def sign_in(self, account_id: str) -> None:
        if self._sign_in is None:
            self._listener.message(f"Run `ringside account connect {account_id}` to sign in again.", error=True)
            return
        self._sign_in(account_id)

    def accounts_needing_sign_in(self) -> list[tuple[str, str]]:
        return self._tray.accounts_needing_sign_in()


def _ignore(_stored: bool) -> None:
    pass


def _check_protocol(controls: AppControls) -> Controls:
    # Lets mypy prove AppControls satisfies the protocol.
    return controls
