"""The last call with a number (Database.last_call): read through the calls(e164, started_at) index."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import app.storage.db as db_module
from app.core.models import Direction, NoteDraft, Record, RecordType
from app.storage.db import Database

T0 = datetime(2025, 12, 1, 3, 0, tzinfo=UTC)
PRIYA = "+61491570006"


def test_the_latest_earlier_call_with_its_notes_and_the_count_before_it(tmp_path: Path) -> None:
    db = Database(tmp_path / "ringside.db")
    for index, (call_id, e164) in enumerate([("a", PRIYA), ("b", PRIYA), ("x", "+61370100200"), ("c", PRIYA)]):
        db.save_call(call_id=call_id, number=e164, e164=e164, direction="inbound", state="ended", source="t",
                     started_at=T0 + timedelta(days=index), answered_at=None, ended_at=None, matches=[], timings={})
    record = Record(account_id="rw", type=RecordType.CONTACT, id="533995", name="Priya Raman")
    db.enqueue_note(NoteDraft(call_id="c", account_id="rw", record=record, direction=Direction.INBOUND,
                              text="Sending Ethan's CV Friday", call_started_at=T0, duration_s=60))
    row, earlier = db.last_call(PRIYA, T0 + timedelta(days=9))
    assert row is not None and row.call_id == "c" and earlier == 2
    assert [n["text"] for n in row.notes] == ["Sending Ethan's CV Friday"]
    row, earlier = db.last_call(PRIYA, T0 + timedelta(days=1))  # the call ringing now is not its own last call
    assert row is not None and (row.call_id, earlier) == ("a", 0)
    assert db.last_call(PRIYA, T0) == (None, 0)
    plan = " ".join(str(r[3]) for r in db.connection.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM calls WHERE e164=? AND started_at<? ORDER BY started_at DESC LIMIT 1",
        (PRIYA, "z")))
    assert "calls_number" in plan
    db.close()


def test_on_a_file_refused_wal_the_read_waits_for_the_queued_writes(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Without WAL (a network share refuses it) a read would wait on SQLite's lock for a write in
    progress anyway, so it waits for the queue instead, and sees what was queued before it."""
    monkeypatch.setattr(db_module, "in_wal", lambda conn: False)
    db = Database(tmp_path / "ringside.db")
    disk = threading.Event()
    slow = db.writer.submit(lambda _conn: disk.wait(5))
    db.save_call(call_id="a", number=PRIYA, e164=PRIYA, direction="inbound", state="missed", source="t",
                 started_at=T0, answered_at=None, ended_at=None, matches=[], timings={})
    threading.Timer(0.05, disk.set).start()  # the disk takes the writes a moment later
    row, _ = db.last_call(PRIYA, T0 + timedelta(days=1))
    assert slow.done() and row is not None and row.state == "missed"
    db.close()
