"""The reminders table (schema version 3): "Call back in…" reminders, kept until marked done."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.storage.sqlite_file import Table, transaction

if TYPE_CHECKING:  # core.reminders brings asyncio and phone numbers: imported when reminders are read
    from app.core.reminders import Reminder


def _ts(value: datetime) -> str:
    # Fixed-width UTC text, so that comparing the strings compares the times.
    return value.astimezone(UTC).isoformat(timespec="microseconds")


class RemindersTable(Table):

    def add_reminder(self, call_id: str, number: str, name: str, due_at: datetime) -> int:
        with transaction(self._conn) as tx:
            cursor = tx.execute(
                "INSERT INTO reminders (call_id, number, name, due_at, created_at) VALUES (?, ?, ?, ?, ?)",
                (call_id, number, name, _ts(due_at), _ts(datetime.now(UTC))))
            return int(cursor.lastrowid or 0)

    def open_reminders(self) -> list[Reminder]:
        from app.core.reminders import Reminder

        rows = self._reading().execute(
            "SELECT * FROM reminders WHERE done_at IS NULL ORDER BY due_at, id").fetchall()
        return [Reminder(r["id"], r["call_id"], r["number"], r["name"], datetime.fromisoformat(r["due_at"]),
                         r["fired_at"] is not None) for r in rows]

    def reminder_fired(self, reminder_id: int) -> None:
        with transaction(self._conn) as tx:
            tx.execute("UPDATE reminders SET fired_at=? WHERE id=? AND fired_at IS NULL",
                       (_ts(datetime.now(UTC)), reminder_id))

    def reminder_done(self, reminder_id: int) -> None:
        with transaction(self._conn) as tx:
            tx.execute("UPDATE reminders SET done_at=? WHERE id=? AND done_at IS NULL",
                       (_ts(datetime.now(UTC)), reminder_id))
