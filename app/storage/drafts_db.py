"""The drafts table (schema version 2): notes typed but not yet saved, one per call."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from app.core.drafts import DraftRow
from app.storage.sqlite_file import Table, transaction


def _row(r: sqlite3.Row) -> DraftRow:
    return DraftRow(r["call_id"], r["text"], datetime.fromisoformat(r["updated_at"]),
                    tuple(json.loads(r["needs_pick"] or "[]")))


class DraftsTable(Table):

    def save_draft(self, row: DraftRow) -> None:
        with transaction(self._conn) as tx:
            tx.execute(
                "INSERT INTO drafts (call_id, text, needs_pick, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(call_id) DO UPDATE SET text=excluded.text, needs_pick=excluded.needs_pick, "
                "updated_at=excluded.updated_at",
                (row.call_id, row.text, json.dumps(list(row.needs_pick)),
                 row.updated_at.astimezone(UTC).isoformat(timespec="microseconds")))

    def draft(self, call_id: str) -> DraftRow | None:
        found = self._reading().execute("SELECT * FROM drafts WHERE call_id=?", (call_id,)).fetchone()
        return _row(found) if found is not None else None

    def drafts(self, limit: int = 200) -> list[DraftRow]:
        rows = self._reading().execute("SELECT * FROM drafts ORDER BY updated_at DESC LIMIT ?", (limit,)).fetchall()
        return [_row(r) for r in rows]

    def delete_draft(self, call_id: str) -> None:
        with transaction(self._conn) as tx:
            tx.execute("DELETE FROM drafts WHERE call_id=?", (call_id,))
