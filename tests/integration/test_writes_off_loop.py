"""Nothing the running app writes waits on the disk on its event loop: a note, its delivery states, a
draft, a reminder, a dismissed callback and a lookup-cache entry are each written on the database's
writer thread (asserted by the thread each write runs on, never by a timing). A note the database
refuses is not shown as saved, keeps what was typed, says why, and saves once the disk takes it.
The tray's count of missed calls, read after every change, is read there too, behind the writes; a
ring reads what is committed (its last call, the cached answer) without waiting for them.
And the other way round: the app's cyclic garbage (widgets among it) is collected on the loop's thread,
never in the writer thread."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.config import paths
from app.core.models import EventType, NoteStatus
from app.runtime.runtime import Runtime
from app.storage.cache_db import CacheStore
from app.storage.db import CallbacksTable
from app.storage.drafts_db import DraftsTable
from app.storage.notes_db import NotesTable
from app.storage.reminders_db import RemindersTable
from tests.conftest import RwEnv
from tests.integration.test_call_flow import Recorder, event, runtime
from tests.integration.test_storage_not_stored import make_read_only
from tests.support import until
from tests.unit.core.test_collector import Cycle

__all__ = ["runtime"]  # a fixture

UNKNOWN = "+61491570159"
PRIYA_NUMBER = "+61491570006"
WRITES: list[tuple[type, str]] = [
    (NotesTable, "enqueue_note"), (NotesTable, "claim"), (NotesTable, "mark_logged"),
    (DraftsTable, "save_draft"), (DraftsTable, "delete_draft"),
    (RemindersTable, "add_reminder"), (RemindersTable, "reminder_done"),
    (CallbacksTable, "dismiss_callback"), (CacheStore, "put"),
]


@pytest.fixture
def write_threads(monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """Each storage write method → the names of the threads it ran on."""
    seen: dict[str, set[str]] = {}

    def spy(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def write(self: object, *args: Any, **kwargs: Any) -> Any:
            seen.setdefault(name, set()).add(threading.current_thread().name)
            return original(self, *args, **kwargs)
        return write

    for table, name in WRITES:
        monkeypatch.setattr(table, name, spy(name, getattr(table, name)))
    return seen


async def ended(rt: Runtime, rec: Recorder, call_id: str) -> str:
    """A call rung, looked up, answered and hung up; the key of its chosen record."""
    rt.switchboard.handle(event(EventType.RING, call_id=call_id))
    view = await rec.view(lambda v: v.call_id == call_id and v.complete)
    rt.switchboard.handle(event(EventType.ANSWER, call_id=call_id))
    rt.switchboard.handle(event(EventType.HANGUP, call_id=call_id))
    (chosen,) = view.chosen()
    return chosen.key


async def test_every_write_of_a_call_runs_on_the_writer_thread(
        runtime: tuple[Runtime, Recorder], write_threads: dict[str, set[str]]) -> None:
    rt, rec = runtime
    loop_thread = threading.current_thread().name
    rt.switchboard.handle(event(EventType.RING, call_id="w1"))
    await rec.view(lambda v: v.call_id == "w1" and v.complete)  # a fresh answer: the cache is written
    await rt.controls.keep_draft("w1", "Wants two")  # typed on the card during the call
    rt.switchboard.handle(event(EventType.ANSWER, call_id="w1"))
    rt.switchboard.handle(event(EventType.HANGUP, call_id="w1"))
    (chosen,) = rec.note_requests[-1].chosen()
    assert await rt.controls.save_note("w1", "Wants two Java devs.", [chosen.key])  # the draft is done with
    await rec.view(lambda v: v.call_id == "w1" and any(n.status is NoteStatus.LOGGED for n in v.notes))
    await rt.controls.call_back_later("w1", datetime.now(UTC) + timedelta(days=1))
    (reminder,) = rt.controls.reminders()
    await rt.controls.reminder_done(reminder.id)
    rt.switchboard.handle(event(EventType.RING, UNKNOWN, call_id="w2"))
    await rec.view(lambda v: v.call_id == "w2" and v.complete)
    rt.switchboard.handle(event(EventType.HANGUP, UNKNOWN, call_id="w2"))
    await rt.controls.dismiss_missed(UNKNOWN)
    rt.db.writer.settle()

    assert set(write_threads) == {name for _, name in WRITES}  # each of them ran …
    for name, threads in write_threads.items():  # … and never on the event loop's thread
        assert threads == {"ringside-db-writer"} != {loop_thread}, name
    assert rt.controls.drafts() == [] and rt.controls.reminders() == [] and rt.controls.missed_calls() == []


async def test_a_refused_note_is_not_shown_saved_keeps_its_text_and_saves_once_the_disk_takes_it(
        runtime: tuple[Runtime, Recorder], rw_env: RwEnv) -> None:
    rt, rec = runtime
    key = await ended(rt, rec, "r1")
    make_read_only(rt)
    saved: list[bool] = []
    assert not await rt.controls.save_note("r1", "Wants two Java devs by March.", [key], saved.append)
    assert saved == [False]  # the note form stays open with the text
    assert ("Could not store the note: the database file is read-only", True) in rec.messages
    session = rt.switchboard.session("r1")
    assert session is not None and session.draft == "Wants two Java devs by March."
    (note,) = rec.views[-1].notes
    assert note.status is NoteStatus.FAILED and "read-only" in note.message
    assert rt.db.note_for("r1", key) is None and rw_env.sandbox.activities() == []

    rt.db.connection.execute("PRAGMA query_only=OFF")  # the disk takes writes again
    rt.db.writer.submit(lambda conn: conn.execute("PRAGMA query_only=OFF")).result(5)
    assert await rt.controls.save_note("r1", "Wants two Java devs by March.", [key], saved.append)
    assert saved == [False, True] and session.draft == ""
    await rec.view(lambda v: v.call_id == "r1" and any(n.status is NoteStatus.LOGGED for n in v.notes))
    assert [a["Notes"] for a in rw_env.sandbox.activities()] == ["Wants two Java devs by March."]


async def test_old_calls_are_erased_on_the_writer_thread(rw_env: RwEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.storage.db as db_module
    from app.config import paths
    from app.storage.db import Database

    threads: list[str] = []
    purge = db_module.purge_older_than

    def spy(conn: Any, keep_days: int) -> Any:
        threads.append(threading.current_thread().name)
        return purge(conn, keep_days)

    monkeypatch.setattr(db_module, "purge_older_than", spy)
    old = datetime.now(UTC) - timedelta(days=40)
    db = Database(paths.resolve().database)
    db.save_call(call_id="old", number=PRIYA_NUMBER, e164=PRIYA_NUMBER, direction="inbound", state="ended",
                 source="test", started_at=old, answered_at=None, ended_at=old, matches=[], timings={}).result(5)
    db.close()
    rt = Runtime(paths=paths.resolve(), settings=rw_env.settings(keep_days=30), listener=Recorder(),
                 secrets=rw_env.secrets)
    await rt.start()
    try:
        await until(lambda: rt.db.call("old") is None, what="the old call to be erased")
        assert threads == ["ringside-db-writer"]
    finally:
        await rt.stop()


async def test_garbage_a_call_leaves_is_collected_on_the_loops_thread_while_the_app_runs(rw_env: RwEnv) -> None:
    rec = Recorder()
    rt = Runtime(paths=paths.resolve(), settings=rw_env.settings(), listener=rec, secrets=rw_env.secrets)
    await rt.start()
    finalised_in: list[str] = []

    def litter(_tables: object) -> None:
        """On the writer thread: a cycle dropped, then allocations enough to start a collection."""
        Cycle(finalised_in)
        assert len([[] for _ in range(2_000)]) == 2_000

    try:
        await until(lambda: not gc.isenabled(), what="automatic collection off")  # the loop collects
        await asyncio.wrap_future(rt.db.off_loop(litter))
        await ended(rt, rec, "call-1")
        await until(lambda: finalised_in, timeout=10, what="the writer thread's garbage collected")
    finally:
        await rt.stop()
    assert finalised_in == [threading.current_thread().name]
    assert gc.isenabled()  # the process's own again once the app stops


async def test_the_trays_missed_call_count_is_read_behind_the_writes_never_waiting_on_the_loop(
        runtime: tuple[Runtime, Recorder], monkeypatch: pytest.MonkeyPatch) -> None:
    rt, rec = runtime
    rt.switchboard.handle(event(EventType.RING, UNKNOWN, call_id="m1"))
    await rec.view(lambda v: v.call_id == "m1" and v.complete)
    rt.switchboard.handle(event(EventType.HANGUP, UNKNOWN, call_id="m1"))  # unanswered: one to call back
    threads: list[str] = []
    read = CallbacksTable.missed_callbacks

    def spy(self: CallbacksTable, limit: int = 50) -> Any:
        threads.append(threading.current_thread().name)
        return read(self, limit)

    monkeypatch.setattr(CallbacksTable, "missed_callbacks", spy)
    disk = threading.Event()
    slow = rt.db.writer.submit(lambda _conn: disk.wait(10))  # a write the disk is slow to take
    counts: list[int] = []
    rt.controls.count_missed(counts.append)  # the tray asks after a change …
    await asyncio.sleep(0)  # (one turn of the loop: the count's read is queued, behind the slow write)
    rt.controls.count_missed(counts.append)  # … and again after the next, while that read waits
    rt.controls.count_missed(counts.append)  # (asks before the next read is queued are one read)
    assert counts == [] and not slow.done()  # returned at once: the loop did not wait for the disk
    disk.set()
    await until(lambda: len(counts) == 2, what="both counts")
    assert counts == [1, 1] and threads == ["ringside-db-writer"] * 2


async def test_a_ring_while_the_disk_is_busy_shows_its_card_last_call_and_cached_answer_without_waiting(
        runtime: tuple[Runtime, Recorder]) -> None:
    rt, rec = runtime
    await ended(rt, rec, "before")  # history has a call with Priya, and the cache her answer
    rt.db.writer.settle()
    disk = threading.Event()
    busy = rt.db.writer.submit(lambda _conn: disk.wait(10))  # a purge, a burst of writes: the disk is slow
    try:
        rt.switchboard.handle(event(EventType.RING, call_id="again"))
        view = await rec.view(lambda v: v.call_id == "again")  # the ringing card, published …
        assert not busy.done()  # … without waiting for the disk
        assert view.last_call is not None and view.last_call.call_id == "before"
        assert view.complete and view.chosen() and view.chosen()[0].name == "Priya Raman"  # from the cache
    finally:
        disk.set()
    await until(lambda: rt.db.call("again") is not None, what="the ring written once the disk is free")
