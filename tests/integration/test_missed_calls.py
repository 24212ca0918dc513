"""The callback list through the real runtime: missed calls stay on it until the number is called
back, answers a later call, or the recruiter dismisses it — and dismissal survives a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from app.config import paths
from app.core.models import Direction, EventType
from app.core.views import MissedCall
from app.runtime.runtime import Runtime
from tests.conftest import RwEnv
from tests.integration.test_call_flow import PRIYA, Recorder, event
from tests.support import until

UNKNOWN = "+61491570159"
SARAH = "+61491570034"

Start = Callable[[], Awaitable[tuple[Runtime, Recorder]]]


@pytest.fixture
async def start(rw_env: RwEnv) -> AsyncIterator[Start]:
    made: list[Runtime] = []

    async def make() -> tuple[Runtime, Recorder]:
        if made:
            await made.pop().stop()
        rec = Recorder()
        rt = Runtime(paths=paths.resolve(), settings=rw_env.settings(), listener=rec, secrets=rw_env.secrets)
        await rt.start()
        made.append(rt)
        return rt, rec

    yield make
    for rt in made:
        await rt.stop()


async def miss(rt: Runtime, rec: Recorder, number: str, call_id: str) -> None:
    rt.switchboard.handle(event(EventType.RING, number, call_id=call_id))
    await rec.view(lambda v: v.call_id == call_id and v.complete)
    rt.switchboard.handle(event(EventType.HANGUP, number, call_id=call_id))


def numbers(missed: list[MissedCall]) -> list[tuple[str, int]]:
    return [(m.key, m.count) for m in missed]


async def test_missed_calls_wait_on_the_callback_list_until_returned(start: Start) -> None:
    rt, rec = await start()
    await miss(rt, rec, PRIYA, "m1")
    await miss(rt, rec, UNKNOWN, "m2")
    await miss(rt, rec, PRIYA, "m3")
    missed = rt.controls.missed_calls()
    assert numbers(missed) == [(PRIYA, 2), (UNKNOWN, 1)]  # one line per number, newest first
    assert (missed[0].name, missed[0].account_label, missed[0].call_id) == ("Priya Raman", "Recruit Wizard", "m3")
    assert missed[0].number_display == "0491 570 006" and missed[1].name == ""

    # Calling Priya back takes her off (answered or not: she was called back).
    rt.switchboard.handle(event(EventType.RING, PRIYA, Direction.OUTBOUND, call_id="back"))
    assert await rt.core.book.stored("back") is None
    assert numbers(rt.controls.missed_calls()) == [(UNKNOWN, 1)]

    # A later call that is answered also settles it.
    await miss(rt, rec, SARAH, "m4")
    rt.switchboard.handle(event(EventType.RING, SARAH, call_id="s2"))
    rt.switchboard.handle(event(EventType.ANSWER, SARAH, call_id="s2"))
    assert await rt.core.book.stored("s2") is None
    assert numbers(rt.controls.missed_calls()) == [(UNKNOWN, 1)]


async def test_a_dismissed_number_stays_off_the_list_after_a_restart(start: Start) -> None:
    rt, rec = await start()
    await miss(rt, rec, UNKNOWN, "d1")
    await miss(rt, rec, PRIYA, "d2")
    await rt.controls.dismiss_missed(UNKNOWN)
    assert numbers(rt.controls.missed_calls()) == [(PRIYA, 1)]
    rt, rec = await start()
    assert numbers(rt.controls.missed_calls()) == [(PRIYA, 1)]
    # A new missed call from the dismissed number puts it back.
    await miss(rt, rec, UNKNOWN, "d3")
    assert numbers(rt.controls.missed_calls()) == [(UNKNOWN, 1), (PRIYA, 1)]
    # The calls themselves stay in history.
    assert {v.call_id for v in rt.controls.call_history()} >= {"d1", "d2", "d3"}


async def test_the_tray_hears_of_every_change_to_the_list(start: Start) -> None:
    rt, rec = await start()
    await miss(rt, rec, PRIYA, "t1")
    # The call's own updates first (start, ring, hang-up, lookup settled), so the count below is the dismissal's.
    await until(lambda: len(rec.tray) == 4, what="the missed call's tray updates")
    before = len(rec.tray)
    await rt.controls.dismiss_missed(PRIYA)
    assert len(rec.tray) == before + 1  # the UI refreshes its badge on tray updates
