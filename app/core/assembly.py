"""Core's parts, put together in the order they need each other (the runtime and the unit tests
build core through here, handing in the ports: lookups, the outbox, the stores, the listener)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.core.calls import CallBook, CallPolicy
from app.core.controls import AppControls
from app.core.history import CallHistory
from app.core.lookup import LookupService
from app.core.notes import NoteTaker
from app.core.outbox import Outbox
from app.core.records import RecordDesk
from app.core.stores import HistoryDatabase
from app.core.switchboard import Switchboard
from app.core.tasks import Tasks, log_error
from app.core.tray_state import TrayStatus
from app.core.views import SwitchboardListener


@dataclass(frozen=True)
class Core:
    tasks: Tasks
    book: CallBook
    tray: TrayStatus
    notes: NoteTaker
    records: RecordDesk
    history: CallHistory
    switchboard: Switchboard
    controls: AppControls


def build_core(
    *,
    lookup: LookupService,
    outbox: Outbox,
    store: HistoryDatabase,
    listener: SwitchboardListener,
    policy: CallPolicy,
    demo_callers: list[tuple[str, str]] | None = None,
    sign_in: Callable[[str], None] | None = None,
    on_error: Callable[[BaseException], None] = log_error,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Core:
    tasks = Tasks(on_error)
    book = CallBook(store, listener, policy)
    tray = TrayStatus(listener, book, outbox)
    notes = NoteTaker(outbox, book, tray, listener)
    records = RecordDesk(book, lookup, tasks, tray, listener)
    history = CallHistory(store, outbox, labels=lambda: {a.id: a.label for a in lookup.accounts},
                          region=lambda: book.policy.default_region)
    switchboard = Switchboard(lookup=lookup, book=book, tray=tray, tasks=tasks, notes=notes, records=records,
                              listener=listener, now=now)
    controls = AppControls(switchboard=switchboard, book=book, tray=tray, tasks=tasks, notes=notes,
                           records=records, outbox=outbox, history=history, listener=listener,
                           sign_in=sign_in, demo_callers=demo_callers, now=now)
    return Core(tasks, book, tray, notes, records, history, switchboard, controls)
