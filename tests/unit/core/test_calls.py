"""The call book saves each call off the event loop: a source is answered only once the call's latest
write has settled, and a refused write is told to the recruiter once per call."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from datetime import UTC, datetime
from typing import Any

from app.core.calls import CallBook, CallPolicy
from app.core.models import Direction
from app.core.session import CallSession
from app.errors import NotStored
from tests.support import caller
from tests.unit.core.fakes import Listener


class SlowStore:
    """Writes that complete when the test says, from another thread as the database's writer does."""

    def __init__(self) -> None:
        self.writes: list[tuple[str, Future[None]]] = []

    def save_call(self, **row: Any) -> Future[None]:
        future: Future[None] = Future()
        self.writes.append((row["state"], future))
        return future


def _session(call_id: str = "c1") -> CallSession:
    return CallSession.start(number=caller("+61491570006"), direction=Direction.INBOUND, source="t",
                             at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), default_region="AU", call_id=call_id)


async def test_stored_waits_for_the_calls_latest_write() -> None:
    store, listener = SlowStore(), Listener()
    book = CallBook(store, listener, CallPolicy(default_region="AU"))  # type: ignore[arg-type]
    session = _session()
    book.add(session)
    book.persist(session)
    waiting = asyncio.ensure_future(book.stored("c1"))
    await asyncio.sleep(0)
    assert not waiting.done()  # not committed yet: no answer
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, store.writes[0][1].set_result, None)
    assert await waiting is None
    assert book.not_stored("c1") is None


async def test_a_refused_write_is_the_answer_and_told_once() -> None:
    store, listener = SlowStore(), Listener()
    book = CallBook(store, listener, CallPolicy(default_region="AU"))  # type: ignore[arg-type]
    session = _session()
    book.add(session)
    loop = asyncio.get_running_loop()
    for _ in range(2):
        book.persist(session)
        await loop.run_in_executor(None, store.writes[-1][1].set_exception, NotStored("the disk is full"))
        assert await book.stored("c1") == "the disk is full"
    await asyncio.sleep(0)  # the settled writes reach the book on the loop
    assert book.not_stored("c1") == "the disk is full"
    assert [error for _text, error in listener.messages] == [True]  # told once for the call
    book.persist(session)
    store.writes[-1][1].set_result(None)
    assert await book.stored("c1") is None
    await asyncio.sleep(0)
    assert book.not_stored("c1") is None


def test_without_a_loop_the_write_is_waited_for() -> None:
    store, listener = SlowStore(), Listener()
    book = CallBook(store, listener, CallPolicy(default_region="AU"))  # type: ignore[arg-type]
    session = _session()
    book.add(session)
    threading.Timer(0.01, lambda: store.writes[0][1].set_exception(NotStored("read-only"))).start()
    book.persist(session)
    assert book.not_stored("c1") == "read-only"
