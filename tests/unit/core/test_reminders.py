"""Call-back reminders: fired once when due (at start too), listed until done; the time is injected."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

from app.core.outcomes import CallBackIn, call_back_at, compose, heading
from app.core.reminders import MemoryReminders, Reminder, Reminders

T0 = datetime(2025, 12, 2, 14, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def test_heading_and_compose() -> None:
    assert heading("Interested", "Senior Backend Engineer (Python)") == (
        "Outcome: Interested · Job: Senior Backend Engineer (Python)")
    assert compose("  Sending CVs.\n", "No answer") == "Outcome: No answer\nSending CVs."
    assert compose("Just text ") == "Just text"
    assert compose("", job="Platform Engineer") == "Job: Platform Engineer"


def test_call_back_times() -> None:
    sydney = timezone(timedelta(hours=11))
    assert call_back_at(CallBackIn.HOUR, T0) == T0 + timedelta(hours=1)
    # 01:00 on the 3rd in Sydney: tomorrow is the 4th
    assert call_back_at(CallBackIn.TOMORROW, T0, sydney) == datetime(2025, 12, 4, 9, 0, tzinfo=sydney)
    assert call_back_at(date(2025, 12, 10), T0, sydney) == datetime(2025, 12, 10, 9, 0, tzinfo=sydney)


async def test_a_reminder_fires_once_when_due_and_stays_listed_until_done() -> None:
    clock = Clock()
    fired: list[Reminder] = []
    reminders = Reminders(MemoryReminders(), fired.append, now=clock)
    rid = await reminders.add("c1", "+61491570006", "Priya Raman", T0 + timedelta(hours=1))
    assert (await reminders.tick()) == [] and fired == []
    assert reminders.seconds_to_next() == 30.0
    clock.now = T0 + timedelta(minutes=59, seconds=50)
    assert reminders.seconds_to_next() == 10.0
    clock.now = T0 + timedelta(hours=1)
    assert [r.id for r in (await reminders.tick())] == [rid]
    assert fired[0].who == "Priya Raman"
    assert (await reminders.tick()) == []  # once
    assert [r.call_id for r in reminders.open()] == ["c1"]
    await reminders.done(rid)
    assert reminders.open() == []


def test_the_timer_fires_due_reminders_at_start_and_wakes_for_new_ones() -> None:
    clock = Clock()
    fired: list[str] = []
    store = MemoryReminders()
    store.add_reminder("old", "+61491570006", "", T0 - timedelta(days=1))  # came while Ringside was closed
    sleeps: list[float] = []

    async def scenario() -> None:
        elapsed = asyncio.Event()  # the test says when a sleep is over: no real waiting

        async def sleep(seconds: float) -> None:
            sleeps.append(seconds)
            await elapsed.wait()
            elapsed.clear()
            clock.now += timedelta(seconds=seconds)

        async def until(condition: Callable[[], bool]) -> None:
            for _turn in range(1000):  # loop turns, never real time
                if condition():
                    return
                await asyncio.sleep(0)
            raise AssertionError("the timer never got there")

        reminders = Reminders(store, lambda r: fired.append(r.call_id), now=clock, sleep=sleep)
        task = asyncio.ensure_future(reminders.run())
        await until(lambda: sleeps == [30.0])
        assert fired == ["old"]  # at start, before any sleep
        await reminders.add("new", "+61491570006", "", clock.now + timedelta(seconds=5))
        await until(lambda: sleeps == [30.0, 5.0])  # woken by the new reminder, sleeping until it
        assert fired == ["old"]
        elapsed.set()
        await until(lambda: len(fired) == 2)
        task.cancel()

    asyncio.run(scenario())
    assert fired == ["old", "new"]
