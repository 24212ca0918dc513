"""Pausing pops for a while: the tray says until when, and pops resume by themselves (clock and timer
injected: no waiting)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.core.calls import CallBook, CallPolicy
from app.core.pause import Pause, pause_end
from app.core.tray_state import TrayStatus
from app.core.views import PauseFor, TrayState
from tests.unit.core.fakes import Listener, MemoryHistory

LOCAL = ZoneInfo("Australia/Sydney")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 12, 2, 14, 30, tzinfo=LOCAL)
        self.timers: list[tuple[float, Callable[[], None], FakeTimer]] = []

    def schedule(self, delay: float, callback: Callable[[], None]) -> FakeTimer:
        timer = FakeTimer()
        self.timers.append((delay, callback, timer))
        return timer

    def fire(self) -> None:
        """Run the newest live timer at the time it was set for."""
        delay, callback, timer = next(t for t in reversed(self.timers) if not t[2].cancelled)
        timer.cancelled = True
        self.now += timedelta(seconds=delay)
        callback()


class FakeTimer:
    cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Attention:
    attention = 0


def desk() -> tuple[Pause, CallBook, Listener, Clock]:
    listener, clock = Listener(), Clock()
    book = CallBook(MemoryHistory(), listener, CallPolicy(default_region="AU"))
    tray = TrayStatus(listener, book, Attention())
    return Pause(book, tray, now=lambda: clock.now, schedule=clock.schedule), book, listener, clock


def test_the_choices_end_in_15_minutes_an_hour_or_at_nine_tomorrow() -> None:
    now = datetime(2025, 12, 2, 14, 30, tzinfo=LOCAL)
    assert pause_end(PauseFor.QUARTER_HOUR, now) == datetime(2025, 12, 2, 14, 45, tzinfo=LOCAL)
    assert pause_end(PauseFor.HOUR, now) == datetime(2025, 12, 2, 15, 30, tzinfo=LOCAL)
    assert pause_end(PauseFor.TOMORROW, now) == datetime(2025, 12, 3, 9, 0, tzinfo=LOCAL)


def test_a_timed_pause_says_until_when_and_ends_by_itself() -> None:
    pause, book, listener, clock = desk()
    pause.pause(PauseFor.QUARTER_HOUR)
    assert book.paused
    assert listener.tray[-1] == (TrayState.IDLE, "Paused until 14:45")
    assert clock.timers[-1][0] == 15 * 60
    clock.fire()
    assert not book.paused
    assert listener.tray[-1] == (TrayState.IDLE, "Ready")


def test_until_tomorrow_says_tomorrow() -> None:
    pause, _book, listener, _clock = desk()
    pause.pause(PauseFor.TOMORROW)
    assert listener.tray[-1] == (TrayState.IDLE, "Paused until tomorrow 09:00")


def test_a_timer_that_fires_early_waits_for_the_rest() -> None:
    pause, book, _listener, clock = desk()
    pause.pause(PauseFor.HOUR)
    _delay, callback, timer = clock.timers[-1]
    timer.cancelled = True
    clock.now += timedelta(minutes=50)  # the loop's clock and the wall clock disagree (a sleep, a change)
    callback()
    assert book.paused
    assert clock.timers[-1][0] == 10 * 60
    clock.fire()
    assert not book.paused


def test_a_new_choice_or_resuming_cancels_the_old_timer() -> None:
    pause, book, listener, clock = desk()
    pause.pause(PauseFor.QUARTER_HOUR)
    first = clock.timers[-1][2]
    pause.pause(PauseFor.HOUR)
    assert first.cancelled
    assert listener.tray[-1] == (TrayState.IDLE, "Paused until 15:30")
    pause.resume()
    assert clock.timers[-1][2].cancelled and not book.paused


def test_paused_until_resumed_has_no_timer() -> None:
    pause, book, listener, clock = desk()
    pause.pause(None)
    assert book.paused and not clock.timers
    assert listener.tray[-1] == (TrayState.IDLE, "Paused")
