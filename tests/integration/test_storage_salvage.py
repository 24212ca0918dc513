"""Unsent notes in a database that had to be moved aside are recovered and sent on the next start.

Real damage: pages of the calls table are overwritten, so SQLite's quick_check fails and the file is
moved aside, while the notes table's own pages still read."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from app.config import paths
from app.core.models import Direction, EventType, NoteDraft, NoteStatus
from app.runtime.runtime import Runtime
from app.storage.db import Database
from app.storage.sqlite_file import still_damaged
from tests.conftest import RwEnv
from tests.integration.test_call_flow import Recorder, event
from tests.support import until

PAGE = 4096


def fill_and_damage_calls(path: Path) -> None:
    """Many calls after the note, then garbage over pages in the middle of the file (calls only)."""
    db = Database(path)
    for n in range(400):
        db.save_call(call_id=f"filler-{n}", number="0491570110", e164="+61491570110", direction="inbound",
                     state="ended", source="test", started_at=datetime.now(UTC), answered_at=None,
                     ended_at=None, matches=[{"blob": "x" * 800}], timings={})
    notes_pages = {row[0] for row in db.connection.execute(
        "SELECT rootpage FROM sqlite_master WHERE tbl_name='notes'")}
    db.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    size = path.stat().st_size
    pages = size // PAGE
    assert max(notes_pages) < pages // 2  # the note lives in the early pages
    with path.open("r+b") as handle:
        for page in range(pages // 2, pages // 2 + 8):
            handle.seek(page * PAGE)
            handle.write(b"\xde\xad\xbe\xef" * (PAGE // 4))


async def test_pending_notes_survive_a_damaged_file_and_are_sent(rw_env: RwEnv) -> None:
    home = paths.resolve()
    rec = Recorder()
    first = Runtime(paths=home, settings=rw_env.settings(), listener=rec, secrets=rw_env.secrets)
    await first.start()
    first.switchboard.handle(event(EventType.RING, call_id="before"))
    view = await rec.view(lambda v: v.call_id == "before" and v.complete)
    (chosen,) = view.chosen()
    session = first.switchboard.session("before")
    assert session is not None
    record = session.record(chosen.key)
    assert record is not None
    await first.stop()
    db = Database(home.database)  # the note was typed, but Ringside stopped before it went out
    db.enqueue_note(NoteDraft(call_id="before", account_id=record.account_id, record=record,
                              direction=Direction.INBOUND, text="Recovered note", call_started_at=datetime.now(UTC),
                              duration_s=5))
    db.close()
    fill_and_damage_calls(home.database)
    assert still_damaged(home.database)  # really damaged (SQLite's own quick_check)…
    check = sqlite3.connect(home.database)
    assert len(check.execute("SELECT * FROM notes").fetchall()) == 1  # …but the notes table still reads
    check.close()

    rec2 = Recorder()
    second = Runtime(paths=home, settings=rw_env.settings(), listener=rec2, secrets=rw_env.secrets)
    await second.start()
    try:
        assert second.db.moved_aside is not None and second.db.salvaged == 1
        assert any("1 note(s) not yet sent were recovered" in text for text, _ in rec2.messages)
        def logged() -> bool:
            row = second.db.note_for("before", record.key)
            return row is not None and row.status is NoteStatus.LOGGED

        await until(logged, what="the recovered note to be logged")
        sent = [a for a in rw_env.sandbox.activities() if "Recovered note" in json.dumps(a)]
        assert len(sent) == 1
    finally:
        await second.stop()
