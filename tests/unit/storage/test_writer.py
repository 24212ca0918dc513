"""The call writer: writes off the event loop, committed in the order queued, failures handed back."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.core.stores import NoteStore
from app.storage.db import Database, NotStored
from app.storage.writer import Writer

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _save(db: Database, call_id: str, state: str) -> Future[None]:
    return db.save_call(call_id=call_id, number="+61491570006", e164="+61491570006", direction="inbound",
                        state=state, source="t", started_at=T0, answered_at=None, ended_at=None, matches=[],
                        timings={})


def test_a_call_is_written_on_another_thread_and_read_back_after_its_future(tmp_path: Path) -> None:
    db = Database(tmp_path / "r.db")
    threads: list[str] = []
    db.writer.submit(lambda _conn: threads.append(threading.current_thread().name)).result(5)
    assert threads and threads[0] != threading.current_thread().name
    for state in ("ringing", "answered", "ended"):  # one call's writes keep their order
        saved = _save(db, "c1", state)
    saved.result(5)
    found = db.call("c1")
    assert found is not None and found.state == "ended"
    db.close()


def test_a_read_waits_for_the_writes_queued_before_it(tmp_path: Path) -> None:
    db = Database(tmp_path / "r.db")
    gate = threading.Event()
    db.writer.submit(lambda _conn: gate.wait(5))  # the writer is busy: the next write waits its turn
    _save(db, "c2", "missed")
    threading.Timer(0.05, gate.set).start()
    assert [c.call_id for c in db.recent_calls()] == ["c2"]
    db.close()


def test_a_refused_write_is_handed_back_on_its_future(tmp_path: Path) -> None:
    db = Database(tmp_path / "r.db")
    db.writer.submit(lambda conn: conn.execute("PRAGMA query_only=ON")).result(5)
    with pytest.raises(NotStored, match="read-only"):
        _save(db, "c3", "ringing").result(5)
    assert db.recent_calls() == []
    db.close()


def test_close_finishes_the_queued_writes(tmp_path: Path) -> None:
    db = Database(tmp_path / "r.db")
    for n in range(20):
        _save(db, f"c{n}", "ended")
    db.close()
    again = Database(tmp_path / "r.db")
    assert len(again.recent_calls(50)) == 20
    again.close()


def test_a_writer_that_cannot_open_its_file_fails_each_write(tmp_path: Path) -> None:
    writer = Writer(tmp_path / "missing" / "r.db")
    with pytest.raises(NotStored):
        writer.submit(lambda conn: conn.execute("SELECT 1")).result(5)
    writer.settle()
    writer.close()
    with pytest.raises(RuntimeError):
        writer.submit(lambda conn: None)


def test_a_note_is_committed_after_the_writes_of_its_call(tmp_path: Path) -> None:
    from app.core.models import Direction, NoteDraft, Record, RecordType

    db = Database(tmp_path / "r.db")
    gate = threading.Event()
    db.writer.submit(lambda _conn: gate.wait(5))
    _save(db, "c4", "ended")  # queued behind the gate
    threading.Timer(0.05, gate.set).start()
    record = Record(account_id="rw", type=RecordType.CONTACT, id="7", name="Priya Raman")
    note_id = db.enqueue_note(NoteDraft(call_id="c4", account_id="rw", record=record, direction=Direction.INBOUND,
                                        text="Called back.", call_started_at=T0, duration_s=30))
    assert db.writer.submit(lambda conn: conn.execute(  # as the writer sees it: the call came first
        "SELECT (SELECT rowid FROM calls WHERE call_id='c4') IS NOT NULL").fetchone()[0]).result(5) == 1
    threads: list[str] = []

    def claim(store: NoteStore) -> bool:
        threads.append(threading.current_thread().name)
        return store.claim(note_id)

    assert db.off_loop(claim).result(5) is True
    assert threads == ["ringside-db-writer"]
    assert db.note(note_id).sending  # committed: the loop's connection reads it
    db.close()
