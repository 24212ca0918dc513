"""The reminders table (schema version 3): kept across reopening, fired and done marks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.storage.db import Database
from app.storage.schema import current, version_of


def test_reminders_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "ringside.sqlite3"
    due = datetime(2025, 12, 3, 9, 0, tzinfo=UTC)
    db = Database(path)
    assert version_of(db.connection) == current() >= 3  # reminders came with version 3
    first = db.add_reminder("c1", "+61491570006", "Priya Raman", due)
    second = db.add_reminder("c2", "+61290000000", "", datetime(2025, 12, 2, 15, 0, tzinfo=UTC))
    db.reminder_fired(second)
    db.close()
    db = Database(path)
    rows = db.open_reminders()
    assert [(r.id, r.call_id, r.fired) for r in rows] == [(second, "c2", True), (first, "c1", False)]
    assert rows[1].due_at == due and rows[1].name == "Priya Raman"
    db.reminder_done(second)
    assert [r.id for r in db.open_reminders()] == [first]
    db.close()
