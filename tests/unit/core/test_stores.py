"""write_off_loop / written: a store with a writer thread writes there; one in memory writes at once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import pytest

from app.core.stores import WritesOffLoop, write_off_loop, written
from app.errors import NotStored


class InMemory:
    def __init__(self) -> None:
        self.rows: list[str] = []


class Threaded(InMemory):
    """A store whose writes run on a thread of its own, as the database's do."""

    def off_loop(self, write: Callable[[Any], Any]) -> Future[Any]:
        future: Future[Any] = Future()

        def run() -> None:
            try:
                future.set_result(write(self))
            except Exception as exc:
                future.set_exception(exc)

        threading.Thread(target=run, name="store-writer").start()
        return future


def add(row: str) -> Callable[[InMemory], str]:
    def write(store: InMemory) -> str:
        store.rows.append(f"{row}@{threading.current_thread().name}")
        return row
    return write


async def test_a_store_with_a_writer_thread_writes_there() -> None:
    store = Threaded()
    assert isinstance(store, WritesOffLoop)
    assert await written(store, add("a")) == "a"
    assert store.rows == ["a@store-writer"]


async def test_a_store_in_memory_is_written_at_once_and_its_failure_is_on_the_future() -> None:
    store = InMemory()
    done = write_off_loop(store, add("b"))
    assert done.done() and store.rows == [f"b@{threading.current_thread().name}"]

    def refused(_store: InMemory) -> None:
        raise NotStored("the disk is full")

    failed = write_off_loop(store, refused)
    assert failed.done() and isinstance(failed.exception(), NotStored)
    with pytest.raises(NotStored, match="the disk is full"):
        await written(store, refused)
