"""Housekeeping: calls a kill left open, retention, and forgetting one person."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.core.models import Direction, NoteDraft, Record, RecordType
from app.storage.db import Database

NOW = datetime.now(UTC)


def _call(db: Database, call_id: str, *, state: str = "ended", e164: str = "+61491570006",
          age_days: float = 0) -> None:
    db.save_call(call_id=call_id, number=e164, e164=e164, direction="inbound", state=state, source="test",
                 started_at=NOW - timedelta(days=age_days), answered_at=None, ended_at=None, matches=[],
                 timings={})


def _note(db: Database, call_id: str) -> int:
    record = Record(account_id="rw", type=RecordType.CANDIDATE, id="1", name="Priya")
    return db.enqueue_note(NoteDraft(call_id=call_id, account_id="rw", record=record, direction=Direction.INBOUND,
                                     text="hello", call_started_at=NOW, duration_s=3))


def test_calls_left_ringing_or_answered_are_closed_as_ended(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite3")
    _call(db, "ringing", state="ringing")
    _call(db, "answered", state="answered")
    _call(db, "missed", state="missed")
    assert db.close_interrupted_calls().result(timeout=10) == 2
    assert {c.call_id: c.state for c in db.recent_calls()} == {
        "ringing": "ended", "answered": "ended", "missed": "missed"}
    assert _note(db, "answered") > 0  # a note can still be written for it
    db.close()


def test_retention_erases_old_calls_and_delivered_notes_but_never_an_unsent_one(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite3")
    _call(db, "old-logged", age_days=40)
    db.mark_logged(_note(db, "old-logged"), "r1")
    _call(db, "old-pending", age_days=40)
    _note(db, "old-pending")
    _call(db, "fresh", age_days=1)
    db.connection.execute("UPDATE notes SET created_at=?", ((NOW - timedelta(days=40)).isoformat(),))
    assert db.purge(0).calls == 0  # 0: keep everything
    purged = db.purge(30)
    assert (purged.calls, purged.notes) == (1, 1)
    assert sorted(c.call_id for c in db.recent_calls()) == ["fresh", "old-pending"]
    assert len(db.pending_notes()) == 1
    db.close()


def test_forget_erases_one_person_everywhere_and_counts_each_kind(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite3")
    conn = db.connection
    _call(db, "a1")
    _call(db, "a2")
    _call(db, "other", e164="+61491570110")
    _note(db, "a1")
    _note(db, "other")
    conn.execute("INSERT INTO drafts (call_id, text, updated_at) VALUES ('a2', 'half a note', ''), "
                 "('other', 'keep', '')")  # notes typed during a call (any per-call table is swept)
    db.add_reminder("a1", "+61491570006", "Priya Raman", datetime.now(UTC))  # a call-back reminder too
    conn.execute("INSERT INTO lookup_cache VALUES ('rw', '+61491570006', 'found', '{}', 0)")
    conn.execute("INSERT INTO lookup_cache VALUES ('rw', '+61491570110', 'found', '{}', 0)")
    conn.execute("INSERT INTO call_uploads (account_id, external_id, body, created_at) VALUES (?,?,?,0)",
                 ("crm", "a1", json.dumps({"phone": "+61491570006"})))
    conn.execute("INSERT INTO call_uploads (account_id, external_id, body, created_at) VALUES (?,?,?,0)",
                 ("crm", "gone-call", json.dumps({"phone": "+61491570006"})))
    done = db.forget({"+61491570006", "0491 570 006"})
    assert (done.calls, done.notes, done.cache_entries, done.uploads) == (2, 1, 1, 2)
    assert done.other == {"drafts": 1, "reminders": 1}
    assert db.open_reminders() == []
    assert [c.call_id for c in db.recent_calls()] == ["other"]
    assert [r[0] for r in conn.execute("SELECT call_id FROM drafts")] == ["other"]
    assert conn.execute("SELECT COUNT(*) FROM lookup_cache").fetchone()[0] == 1
    db.close()
