"""Reminders to call someone back ("Call back in…" on the note form), kept in the database.

A reminder is due at a time; when that time comes (or at start, for one that came while Ringside was
not running) the recruiter is notified once, and the call stays on history's to-call-back list until
they mark it done. The timer is here, in core, with its clock and its sleep injected, so tests move
time by hand instead of waiting.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Protocol, runtime_checkable

from app.core.stores import written

log = logging.getLogger(__name__)
CHECK_EVERY_S = 30.0  # the longest the timer sleeps: a clock change or a new reminder is seen by then


@dataclass(frozen=True)
class Reminder:
    id: int
    call_id: str
    number: str
    name: str
    due_at: datetime
    fired: bool = False

    @property
    def who(self) -> str:
        return self.name or self.number


class ReminderStore(Protocol):
    def add_reminder(self, call_id: str, number: str, name: str, due_at: datetime) -> int: ...
    def open_reminders(self) -> list[Reminder]:
        """Not yet done, soonest first."""

    def reminder_fired(self, reminder_id: int) -> None: ...
    def reminder_done(self, reminder_id: int) -> None: ...


@runtime_checkable
class ReminderListener(Protocol):
    def reminder_due(self, reminder: Reminder) -> None:
        """A reminder's time came: notify the recruiter (with a Call back action)."""


class MemoryReminders:
    """A ReminderStore in memory (tests; a core built without a database)."""

    def __init__(self) -> None:
        self._rows: dict[int, Reminder] = {}

    def add_reminder(self, call_id: str, number: str, name: str, due_at: datetime) -> int:
        new_id = max(self._rows, default=0) + 1
        self._rows[new_id] = Reminder(new_id, call_id, number, name, due_at)
        return new_id

    def open_reminders(self) -> list[Reminder]:
        return sorted(self._rows.values(), key=lambda r: r.due_at)

    def reminder_fired(self, reminder_id: int) -> None:
        row = self._rows[reminder_id]
        self._rows[reminder_id] = Reminder(row.id, row.call_id, row.number, row.name, row.due_at, True)

    def reminder_done(self, reminder_id: int) -> None:
        self._rows.pop(reminder_id, None)


def _fired(reminder_id: int, store: ReminderStore) -> None:
    store.reminder_fired(reminder_id)


class Reminders:
    def __init__(self, store: ReminderStore, notify: Callable[[Reminder], None], *,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 changed: Callable[[], None] = lambda: None) -> None:
        self._store = store
        self._notify = notify
        self._now = now
        self._sleep = sleep
        self._changed = changed  # the history window and tray refresh on this
        self._wake = asyncio.Event()

    async def add(self, call_id: str, number: str, name: str, due_at: datetime) -> int:
        """Returns once committed (off the event loop where the store writes there); NotStored if not."""
        reminder_id = await written(self._store, lambda store: store.add_reminder(call_id, number, name, due_at))
        self._wake.set()
        self._changed()
        return reminder_id

    def open(self) -> list[Reminder]:
        """Every reminder not yet done (due or not), soonest first: history's to-call-back list."""
        return self._store.open_reminders()

    async def done(self, reminder_id: int) -> None:
        await written(self._store, lambda store: store.reminder_done(reminder_id))
        self._changed()

    async def tick(self) -> list[Reminder]:
        """Notify about each reminder that has come due and was not notified yet; returns them."""
        now = self._now()
        fired = []
        for reminder in self._store.open_reminders():
            if reminder.fired or reminder.due_at > now:
                continue
            await written(self._store, partial(_fired, reminder.id))
            self._notify(reminder)
            fired.append(reminder)
        return fired

    def seconds_to_next(self) -> float:
        """How long the timer may sleep: until the next reminder, at most CHECK_EVERY_S."""
        now = self._now()
        waiting = [(r.due_at - now).total_seconds() for r in self._store.open_reminders() if not r.fired]
        return max(0.0, min([CHECK_EVERY_S, *waiting]))

    async def run(self) -> None:
        """Fire what is due now (reminders that came while Ringside was closed), then at each due time."""
        while True:
            try:
                await self.tick()
            except Exception:  # a read-only disk: notified again next time rather than never
                log.exception("Due reminders could not be marked as notified")
            self._wake.clear()
            sleeper = asyncio.ensure_future(self._sleep(self.seconds_to_next()))
            woken = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({sleeper, woken}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                sleeper.cancel()
                woken.cancel()
