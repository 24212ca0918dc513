"""Core's parts, put together in the order they need each other (the runtime and the unit tests
build core through here, handing in the ports: lookups, connectors, the stores, the listener).
Each part gets what it needs through its constructor; nothing is wired afterwards."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from app.core.calls import CallBook, CallPolicy
from app.core.controls import AppControls
from app.core.drafts import Drafts, DraftStore, MemoryDrafts
from app.core.history import CallHistory, last_call
from app.core.lookup import LookupService
from app.core.notes import NoteTaker, NoteTracker
from app.core.outbox import NoteCounts, Outbox, OutboxPolicy
from app.core.pause import Pause, Schedule, call_later, local_now
from app.core.people_search import PeopleSearch
from app.core.ports import Connector
from app.core.records import RecordDesk
from app.core.reminders import MemoryReminders, Reminder, Reminders, ReminderStore
from app.core.stores import HistoryDatabase, NoteStore
from app.core.switchboard import Switchboard
from app.core.tasks import Tasks, log_error
from app.core.tray_state import TrayStatus
from app.core.views import SwitchboardListener


@dataclass(frozen=True)
class Core:
    tasks: Tasks
    book: CallBook
    tray: TrayStatus
    outbox: Outbox
    notes: NoteTaker
    records: RecordDesk
    history: CallHistory
    switchboard: Switchboard
    controls: AppControls
    drafts: Drafts
    reminders: Reminders
    pause: Pause


def build_core(
    *,
    lookup: LookupService,
    connectors: Mapping[str, Connector],
    store: HistoryDatabase,
    notes_store: NoteStore,
    drafts_store: DraftStore | None = None,
    reminders_store: ReminderStore | None = None,
    # How a due call-back reminder is shown (the app's bridge: a notice with Call back); a message if None.
    notify_reminder: Callable[[Reminder], None] | None = None,
    listener: SwitchboardListener,
    policy: CallPolicy,
    demo_callers: list[tuple[str, str]] | None = None,
    sign_in: Callable[[str], None] | None = None,
    outbox_policy: OutboxPolicy | None = None,
    on_error: Callable[[BaseException], None] = log_error,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    clock: Callable[[], float] = time.time,
    local_now: Callable[[], datetime] = local_now,
    schedule: Schedule = call_later,
) -> Core:
    """`local_now` and `schedule` (a one-shot timer) are what a timed pause runs on."""
    tasks = Tasks(on_error)
    book = CallBook(store, listener, policy, recall=partial(last_call, store))
    counts = NoteCounts()
    tray = TrayStatus(listener, book, counts)
    pause = Pause(book, tray, now=local_now, schedule=schedule)
    tracker = NoteTracker(book, tray, listener)
    outbox = Outbox(notes_store, connectors, on_change=tracker.changed, clock=clock, policy=outbox_policy,
                    counts=counts)
    drafts = Drafts(drafts_store if drafts_store is not None else MemoryDrafts(), now)
    notes = NoteTaker(outbox, book, tray, listener, drafts)
    records = RecordDesk(book, lookup, tasks, tray, listener)
    history = CallHistory(store, outbox, labels=lambda: {a.id: a.label for a in lookup.accounts},
                          region=lambda: book.policy.default_region)
    switchboard = Switchboard(lookup=lookup, book=book, tray=tray, tasks=tasks, notes=notes, records=records,
                              listener=listener, now=now)
    reminders = Reminders(reminders_store if reminders_store is not None else MemoryReminders(),
                          notify_reminder or _as_message(listener), now=now, changed=tray.refresh)
    controls = AppControls(switchboard=switchboard, book=book, tray=tray, tasks=tasks, notes=notes,
                           records=records, outbox=outbox, history=history, listener=listener, drafts=drafts,
                           pause=pause, sign_in=sign_in, demo_callers=demo_callers, now=now, reminders=reminders,
                           people=PeopleSearch(lookup, tasks))
    return Core(tasks, book, tray, outbox, notes, records, history, switchboard, controls, drafts, reminders,
                pause)


def _as_message(listener: SwitchboardListener) -> Callable[[Reminder], None]:
    """A due reminder as a plain message, where no notice with a Call back action is given."""
    return lambda r: listener.message(f"Time to call back {r.who}")
