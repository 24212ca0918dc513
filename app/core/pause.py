"""Pausing pops from the tray: until resumed, or for a while (15 minutes, an hour, until 09:00
tomorrow), after which pops resume by themselves. Kept in memory only: a restart resumes pops."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Protocol

from app.core.calls import CallBook
from app.core.tray_state import TrayStatus
from app.core.views import PauseFor

MORNING = time(9, 0)  # "until tomorrow" means the start of tomorrow's working day


class Timer(Protocol):
    def cancel(self) -> None: ...


Schedule = Callable[[float, Callable[[], None]], Timer]


def call_later(delay: float, callback: Callable[[], None]) -> Timer:
    return asyncio.get_running_loop().call_later(delay, callback)


def local_now() -> datetime:
    return datetime.now().astimezone()


def pause_end(choice: PauseFor, now: datetime) -> datetime:
    """When a pause chosen at `now` (local, aware) ends."""
    if choice is PauseFor.QUARTER_HOUR:
        return now + timedelta(minutes=15)
    if choice is PauseFor.HOUR:
        return now + timedelta(hours=1)
    return datetime.combine(now.date() + timedelta(days=1), MORNING, tzinfo=now.tzinfo)


class Pause:
    def __init__(self, book: CallBook, tray: TrayStatus, *, now: Callable[[], datetime] = local_now,
                 schedule: Schedule = call_later) -> None:
        """`now`: the recruiter's local time (aware); `schedule(delay_s, callback)`: a one-shot timer."""
        self._book = book
        self._tray = tray
        self._now = now
        self._schedule = schedule
        self._timer: Timer | None = None
        self.until: datetime | None = None  # None: not paused, or paused until resumed

    def pause(self, choice: PauseFor | None) -> None:
        """Pause pops; `None`: until resumed."""
        self._cancel()
        self.until = pause_end(choice, self._now()) if choice is not None else None
        self._book.set_paused(True, self._until_text())
        if self.until is not None:
            self._arm()
        self._tray.refresh()

    def resume(self) -> None:
        self._cancel()
        self.until = None
        self._book.set_paused(False)
        self._tray.refresh()

    def _arm(self) -> None:
        assert self.until is not None
        self._timer = self._schedule(max(0.0, (self.until - self._now()).total_seconds()), self._due)

    def _due(self) -> None:
        self._timer = None
        if self.until is not None and self._now() < self.until:  # the timer ran early (the clock moved)
            self._arm()
            return
        self.resume()

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _until_text(self) -> str:
        if self.until is None:
            return ""
        day = "" if self.until.date() == self._now().date() else "tomorrow " if (
            self.until.date() - self._now().date()).days == 1 else f"{self.until:%a} "
        return f"until {day}{self.until:%H:%M}"
