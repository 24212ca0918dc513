"""Collector: the cyclic collector runs on the loop's thread only, and after a call's lookups, never while
one is still going."""

from __future__ import annotations

import asyncio
import gc
import threading

import pytest

from app.core.collector import Collector, due_generation
from tests.support import until


@pytest.fixture
def collections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    seen: list[tuple[int, ...]] = []
    monkeypatch.setattr(gc, "collect", lambda *generation: seen.append(generation) or 0)
    monkeypatch.setattr(gc, "freeze", lambda: seen.append(("freeze",)))
    monkeypatch.setattr(Collector, "_frozen", False)
    return seen


async def test_collects_once_the_last_lookup_is_done(collections: list[tuple[int, ...]]) -> None:
    collector = Collector(after_s=0)
    collector.looking_up()
    collector.looking_up()
    collector.looked_up()  # one call still being looked up: nothing yet
    collector.looked_up()
    await until(lambda: collections, what="a collection")
    # the young generations, then what is alive now frozen: no full run walks start-up's objects again
    assert collections == [(1,), ("freeze",)]
    collector.looking_up()
    collector.looked_up()
    await until(lambda: len(collections) == 3, what="a second collection")
    assert collections[2] == ()  # then a full run: cheap, as only what calls left behind is not frozen


async def test_a_ring_in_between_postpones_the_collection(collections: list[tuple[int, ...]]) -> None:
    collector = Collector(after_s=0.01)
    collector.looking_up()
    collector.looked_up()
    collector.looking_up()  # rang again before the collection was due
    collector.looked_up()
    both_due = asyncio.Event()
    asyncio.get_running_loop().call_later(0.02, both_due.set)  # after both collections were due
    await asyncio.wait_for(both_due.wait(), 5)
    assert collections == [(1,), ("freeze",)]  # the first one skipped itself; the second ran


def test_nothing_while_a_call_is_looked_up_or_collection_is_off(collections: list[tuple[int, ...]]) -> None:
    collector = Collector()
    collector.looking_up()
    collector.collect(1)
    assert collections == []
    collector._busy = 0
    gc.disable()
    try:
        collector.collect(1)
    finally:
        gc.enable()
    assert collections == []
    collector.collect(1)
    assert collections == [(1,), ("freeze",)]


class Cycle:
    """A reference cycle that records the thread it is finalised in."""

    def __init__(self, finalised_in: list[str]) -> None:
        self.me = self
        self.finalised_in = finalised_in

    def __del__(self) -> None:
        self.finalised_in.append(threading.current_thread().name)


async def test_garbage_dropped_in_another_thread_is_collected_on_the_loops_thread() -> None:
    collector = Collector()
    collecting = asyncio.create_task(collector.run(tick_s=0.01))
    await until(lambda: not gc.isenabled(), what="automatic collection off")
    finalised_in: list[str] = []

    def worker() -> list[list[object]]:
        kept: list[list[object]] = []
        for _ in range(20):
            Cycle(finalised_in)
            kept += [[] for _ in range(2_000)]  # far past the threshold that starts a collection
        return kept

    try:
        kept = await asyncio.to_thread(worker)
        await until(lambda: len(finalised_in) == 20, what="the cycles collected")
        del kept
    finally:
        collecting.cancel()
        await asyncio.gather(collecting, return_exceptions=True)
    assert set(finalised_in) == {threading.current_thread().name}  # none in the worker thread
    assert gc.isenabled()  # back on once it stops


async def test_collection_someone_else_turned_off_stays_off() -> None:
    gc.disable()
    try:
        await asyncio.wait_for(Collector().run(tick_s=0.01), 5)  # returns at once
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize(("counts", "busy", "due"), [
    ((699, 0, 0), False, None),
    ((700, 0, 0), False, 0),
    ((700, 10, 0), False, 1),
    ((700, 10, 10), False, 2),
    ((700, 0, 0), True, None),  # a call is being looked up: young garbage waits
    ((7_000, 10, 0), True, 1),  # unless it piles up
])
def test_due_generation_follows_the_collectors_own_thresholds(
        monkeypatch: pytest.MonkeyPatch, counts: tuple[int, int, int], busy: bool, due: int | None) -> None:
    monkeypatch.setattr(gc, "get_count", lambda: counts)
    monkeypatch.setattr(gc, "get_threshold", lambda: (700, 10, 10))
    assert due_generation(busy) == due


async def test_an_idle_app_looks_once_a_second_and_every_tenth_when_there_is_garbage(
        monkeypatch: pytest.MonkeyPatch, collections: list[tuple[int, ...]]) -> None:
    counts = iter([(0, 0, 0)] * 6 + [(900, 0, 0)] + [(0, 0, 0)] * 2)
    monkeypatch.setattr(gc, "get_count", lambda: next(counts))
    monkeypatch.setattr(gc, "get_threshold", lambda: (700, 10, 10))
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        if len(waits) == 9:
            raise asyncio.CancelledError
        waits.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    with pytest.raises(asyncio.CancelledError):
        await Collector().run(tick_s=0.1)
    assert waits == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0, 0.1, 0.2]  # back to every 0.1 s after collecting
    assert collections == [(0,)]
    assert gc.isenabled()
