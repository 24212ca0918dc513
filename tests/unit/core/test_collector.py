"""Collector: the cyclic collector runs after a call's lookups, never while one is still going."""

from __future__ import annotations

import asyncio
import gc

import pytest

from app.core.collector import Collector
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
