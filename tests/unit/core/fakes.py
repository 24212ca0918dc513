"""In-memory fakes of core's ports, and `build` to put a core together from them: no SQLite file,
no server, no Qt."""

from __future__ import annotations

import dataclasses
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from app.core.assembly import Core, build_core
from app.core.cache import LookupCache
from app.core.calls import CallPolicy
from app.core.lookup import Account, LookupService
from app.core.models import CallEvent, Direction, EventType, Job, NoteDraft, NoteStatus, Receipt, Record, RecordType
from app.core.outbox import Outbox
from app.core.phone import CallerNumber, PhoneNumber
from app.core.ports import Capabilities, ConnectorBase
from app.core.stores import CallRow, MissedRow, NoteRow
from app.core.views import CallView, TrayState
from app.errors import ConnectorError

PRIYA = "+61491570006"
PRIYA_RECORD = Record(account_id="rw", type=RecordType.CANDIDATE, id="7", name="Priya Raman")


class FakeCrm(ConnectorBase):
    """A CRM that knows Priya and logs notes (or fails them with `fail_with`)."""

    account_id = "rw"
    label = "Recruit Wizard"
    capabilities = Capabilities(lookup=True, log_call=True)

    def __init__(self) -> None:
        self.lookups: list[str] = []
        self.logged: list[NoteDraft] = []
        self.fail_with: ConnectorError | None = None

    async def lookup(self, caller: CallerNumber) -> list[Record]:
        assert caller.e164 is not None, "a CRM is only asked about a number"
        self.lookups.append(caller.e164)
        return [PRIYA_RECORD] if caller.e164 == PRIYA else []

    async def open_jobs(self, record: Record) -> list[Job]:
        return []

    async def log_call(self, note: NoteDraft) -> Receipt:
        if self.fail_with is not None:
            raise self.fail_with
        self.logged.append(note)
        return Receipt(account_id=self.account_id, remote_id=f"act-{len(self.logged)}")

    async def notify(self, event: CallEvent) -> None:
        return None

    async def aclose(self) -> None:
        return None


class MemoryCache:
    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], tuple[str, str, float]] = {}

    def get(self, account_id: str, e164: str) -> tuple[str, str, float] | None:
        return self.entries.get((account_id, e164))

    def put(self, account_id: str, e164: str, status: str, result: str, stored_at: float) -> None:
        self.entries[(account_id, e164)] = (status, result, stored_at)

    def delete(self, account_id: str | None = None, e164: str | None = None,
               older_than: float | None = None) -> int:
        gone = [k for k in self.entries if account_id in (None, k[0]) and e164 in (None, k[1])]
        for key in gone:
            del self.entries[key]
        return len(gone)


class MemoryNotes:
    """The note outbox table's rules, in a dict."""

    def __init__(self) -> None:
        self.rows: dict[int, NoteRow] = {}

    def _set(self, note_id: int, **changes: Any) -> None:
        self.rows[note_id] = dataclasses.replace(self.rows[note_id], **changes)

    def enqueue_note(self, draft: NoteDraft) -> int:
        old = self.note_for(draft.call_id, draft.record.key)
        if old is not None:
            if old.status is not NoteStatus.LOGGED:
                self._set(old.id, draft=draft, status=NoteStatus.PENDING, attempts=0, next_attempt_at=0.0)
            return old.id
        note_id = len(self.rows) + 1
        self.rows[note_id] = NoteRow(id=note_id, call_id=draft.call_id, account_id=draft.account_id,
                                     record_key=draft.record.key, draft=draft, status=NoteStatus.PENDING,
                                     attempts=0, next_attempt_at=0.0, last_error="", remote_id=None)
        return note_id

    def note(self, note_id: int) -> NoteRow:
        return self.rows[note_id]

    def note_for(self, call_id: str, record_key: str) -> NoteRow | None:
        return next((r for r in self.rows.values() if (r.call_id, r.record_key) == (call_id, record_key)), None)

    def due_notes(self, now: float) -> list[NoteRow]:
        return [r for r in self.pending_notes() if r.next_attempt_at <= now and not r.sending]

    def pending_notes(self) -> list[NoteRow]:
        return [r for r in self.rows.values() if r.status is NoteStatus.PENDING]

    def interrupted_notes(self) -> list[NoteRow]:
        return [r for r in self.rows.values() if r.sending]

    def attention_count(self) -> int:
        return sum(r.status in (NoteStatus.FAILED, NoteStatus.UNCONFIRMED) and not r.dismissed
                   for r in self.rows.values())

    def claim(self, note_id: int) -> bool:
        row = self.rows[note_id]
        if row.status is not NoteStatus.PENDING or row.sending:
            return False
        self._set(note_id, sending=True)
        return True

    def release(self, note_id: int) -> None:
        self._set(note_id, sending=False)

    def mark_attempt(self, note_id: int, *, error: str, next_attempt_at: float, waiting: str = "") -> None:
        row = self.rows[note_id]
        self._set(note_id, attempts=row.attempts + 1, last_error=error, next_attempt_at=next_attempt_at,
                  waiting=waiting, sending=False)

    def mark_logged(self, note_id: int, remote_id: str | None) -> None:
        self._set(note_id, status=NoteStatus.LOGGED, attempts=self.rows[note_id].attempts + 1,
                  remote_id=remote_id, last_error="", sending=False)

    def mark_failed(self, note_id: int, error: str) -> None:
        self._set(note_id, status=NoteStatus.FAILED, attempts=self.rows[note_id].attempts + 1, last_error=error,
                  sending=False)

    def mark_unconfirmed(self, note_id: int, error: str) -> None:
        self._set(note_id, status=NoteStatus.UNCONFIRMED, attempts=self.rows[note_id].attempts + 1,
                  last_error=error, sending=False)

    def wake_waiting(self, account_ids: set[str] | None = None) -> int:
        return 0

    def make_due(self) -> int:
        return 0

    def retry_note(self, call_id: str, record_key: str) -> int | None:
        row = self.note_for(call_id, record_key)
        if row is None or row.status not in (NoteStatus.FAILED, NoteStatus.UNCONFIRMED):
            return None
        self._set(row.id, status=NoteStatus.PENDING, attempts=0, next_attempt_at=0.0, last_error="",
                  dismissed=False)
        return row.id

    def confirm_note(self, call_id: str, record_key: str) -> int | None:
        row = self.note_for(call_id, record_key)
        if row is None or row.status is not NoteStatus.UNCONFIRMED:
            return None
        self._set(row.id, status=NoteStatus.LOGGED, confirmed=True, last_error="")
        return row.id

    def dismiss_note(self, call_id: str, record_key: str) -> int | None:
        row = self.note_for(call_id, record_key)
        if row is None or row.status is not NoteStatus.FAILED:
            return None
        self._set(row.id, dismissed=True)
        return row.id


class MemoryHistory:
    """Calls as saved, read back the way the history database gives them."""

    def __init__(self) -> None:
        self.calls: dict[str, CallRow] = {}
        self.dismissed: set[str] = set()

    def save_call(self, *, call_id: str, number: str, e164: str | None, direction: str, state: str, source: str,
                  started_at: datetime, answered_at: datetime | None, ended_at: datetime | None,
                  matches: list[dict[str, Any]], timings: dict[str, Any]) -> Future[None]:
        self.calls[call_id] = CallRow(call_id, number, e164, direction, state, source, started_at, answered_at,
                                      ended_at, matches, timings, [])
        saved: Future[None] = Future()
        saved.set_result(None)  # committed at once
        return saved

    def recent_calls(self, limit: int = 20) -> list[CallRow]:
        return sorted(self.calls.values(), key=lambda r: r.started_at, reverse=True)[:limit]

    def call(self, call_id: str) -> CallRow | None:
        return self.calls.get(call_id)

    def missed_callbacks(self, limit: int = 50) -> list[MissedRow]:
        out: dict[str, list[CallRow]] = {}
        for row in self.recent_calls(10_000):
            key = row.e164 or row.number
            if row.state == "missed" and row.direction == "inbound" and key not in self.dismissed:
                out.setdefault(key, []).append(row)
        return [MissedRow(key, rows[0].number, rows[0].e164, len(rows), rows[0]) for key, rows in out.items()][:limit]

    def dismiss_callback(self, key: str) -> int:
        self.dismissed.add(key)
        return 1

    def last_call(self, e164: str, before: datetime) -> tuple[CallRow | None, int]:
        rows = [r for r in self.recent_calls(10_000) if r.e164 == e164 and r.started_at < before]
        return (rows[0], len(rows) - 1) if rows else (None, 0)


@dataclass
class Listener:
    """What the recruiter would see: cards, note forms, the tray and messages."""

    views: list[CallView] = field(default_factory=list)
    note_requests: list[CallView] = field(default_factory=list)
    tray: list[tuple[TrayState, str]] = field(default_factory=list)
    messages: list[tuple[str, bool]] = field(default_factory=list)

    def call_updated(self, view: CallView) -> None:
        self.views.append(view)

    def note_requested(self, view: CallView) -> None:
        self.note_requests.append(view)

    def tray_state_changed(self, state: TrayState, detail: str) -> None:
        self.tray.append((state, detail))

    def message(self, text: str, *, error: bool = False) -> None:
        self.messages.append((text, error))

    def latest(self, call_id: str) -> CallView:
        return [v for v in self.views if v.call_id == call_id][-1]


class FakeDialer:
    """A dialer whose calls no source reports (like Puzzel): the card's buttons record them."""

    source = "dialer"

    def __init__(self) -> None:
        self.dialled: list[PhoneNumber] = []

    async def dial(self, number: PhoneNumber) -> None:
        self.dialled.append(number)


@dataclass
class World:
    core: Core
    crm: FakeCrm
    notes: MemoryNotes
    history: MemoryHistory
    listener: Listener
    outbox: Outbox
    errors: list[BaseException]


def build(*, auto_log: bool = False, sign_in: Any = None) -> World:
    crm, notes, history, listener = FakeCrm(), MemoryNotes(), MemoryHistory(), Listener()
    lookup = LookupService([Account(crm, 3.0)], LookupCache(MemoryCache()))
    errors: list[BaseException] = []
    core = build_core(lookup=lookup, connectors={crm.account_id: crm}, store=history, notes_store=notes,
                      listener=listener, policy=CallPolicy(default_region="AU", auto_log=auto_log),
                      sign_in=sign_in, on_error=errors.append)
    return World(core, crm, notes, history, listener, core.outbox, errors)


T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def event(type_: EventType, number: str = "0491 570 006", call_id: str | None = "c1",
          direction: Direction = Direction.INBOUND, seconds: int = 0) -> CallEvent:
    return CallEvent(type=type_, number=CallerNumber.read(number, "AU"), direction=direction, call_id=call_id,
                     source="softphone", at=T0 + timedelta(seconds=seconds))
