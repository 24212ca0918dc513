"""Notes not yet sent, recovered from a database that had to be moved aside.

A damaged file often still has a readable `notes` table (damage is usually a few pages). It is
opened read-only, never written; each pending note (and its call, when that row still reads) is
copied into the fresh database, so the outbox sends it on this start. Whatever can't be read stays
in the moved-aside file for whoever wants to look.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from app.core.note_status import NoteStatus
from app.storage.sqlite_file import transaction

log = logging.getLogger(__name__)


def salvage_pending_notes(aside: Path, conn: sqlite3.Connection) -> int:
    """Copy the pending notes of the moved-aside file `aside` into `conn`. Returns how many."""
    try:
        old = sqlite3.connect(f"{aside.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.DatabaseError as exc:
        log.warning("No notes could be recovered from %s: %s", aside, exc)
        return 0
    old.row_factory = sqlite3.Row
    try:
        notes = _read(old, "SELECT * FROM notes WHERE status=?", (NoteStatus.PENDING.value,))
        calls = []
        for call_id in sorted({n["call_id"] for n in notes}):
            calls += _read(old, "SELECT * FROM calls WHERE call_id=?", (call_id,))
    finally:
        old.close()
    if not notes:
        return 0
    with transaction(conn, durable=True) as tx:
        copied = 0
        for table, rows in (("calls", calls), ("notes", notes)):
            have = {col[1] for col in tx.execute(f"PRAGMA table_info({table})")}
            for row in rows:
                cols = [c for c in row.keys() if c in have and c != "id"]  # noqa: SIM118 - a Row iterates values
                cur = tx.execute(f"INSERT OR IGNORE INTO {table} ({','.join(cols)}) "
                                 f"VALUES ({','.join('?' * len(cols))})", [row[c] for c in cols])
                copied += cur.rowcount if table == "notes" else 0
    log.warning("Recovered %d unsent note(s) from %s", copied, aside)
    return copied


def _read(conn: sqlite3.Connection, sql: str, args: tuple[object, ...]) -> list[sqlite3.Row]:
    """The rows SQLite can still read; none when the table itself is damaged."""
    try:
        return conn.execute(sql, args).fetchall()
    except sqlite3.DatabaseError as exc:
        log.warning("Part of the damaged database could not be read: %s", exc)
        return []
