"""SQLite (WAL): call history and the note outbox.

A note is committed here before any network call is made, so nothing a recruiter typed is lost to
a CRM outage or a crash; delivery state lives beside it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.core.models import NoteDraft, NoteStatus

_SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    call_id      TEXT PRIMARY KEY,
    number       TEXT NOT NULL,
    e164         TEXT,
    direction    TEXT NOT NULL,
    state        TEXT NOT NULL,
    source       TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    answered_at  TEXT,
    ended_at     TEXT,
    matches      TEXT NOT NULL DEFAULT '[]',
    timings      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS calls_started ON calls(started_at);
CREATE TABLE IF NOT EXISTS notes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id         TEXT NOT NULL,
    account_id      TEXT NOT NULL,
    record_key      TEXT NOT NULL,
    draft           TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    remote_id       TEXT,
    created_at      TEXT NOT NULL,
    logged_at       TEXT,
    UNIQUE (call_id, record_key)
);
CREATE INDEX IF NOT EXISTS notes_status ON notes(status, next_attempt_at);
"""


@dataclass(frozen=True)
class NoteRow:
    id: int
    call_id: str
    account_id: str
    record_key: str
    draft: NoteDraft
    status: NoteStatus
    attempts: int
    next_attempt_at: float
    last_error: str
    remote_id: str | None


@dataclass(frozen=True)
class CallRow:
    call_id: str
    number: str
    e164: str | None
    direction: str
    state: str
    source: str
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    matches: list[dict[str, Any]]
    timings: dict[str, Any]
    notes: list[dict[str, Any]]


def _ts(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class Database:
    def __init__(self, path: Path | str) -> None:
        self.path = path
        self._conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # -- calls -----------------------------------------------------------------------------

    def save_call(
        self,
        *,
        call_id: str,
        number: str,
        e164: str | None,
        direction: str,
        state: str,
        source: str,
        started_at: datetime,
        answered_at: datetime | None,
        ended_at: datetime | None,
        matches: list[dict[str, Any]],
        timings: dict[str, Any],
    ) -> None:
        with self._tx() as conn:
            conn.execute(
                """INSERT INTO calls VALUES (?,?,?,?,?,?,?,?,?,?,?)
                   ON CONFLICT(call_id) DO UPDATE SET e164=excluded.e164, state=excluded.state,
                     answered_at=excluded.answered_at, ended_at=excluded.ended_at,
                     matches=excluded.matches, timings=excluded.timings""",
                (call_id, number, e164, direction, state, source, _ts(started_at), _ts(answered_at),
                 _ts(ended_at), json.dumps(matches), json.dumps(timings)),
            )

    def recent_calls(self, limit: int = 20) -> list[CallRow]:
        rows = self._conn.execute(
            "SELECT * FROM calls ORDER BY started_at DESC LIMIT ?", (limit,)).fetchall()
        notes: dict[str, list[dict[str, Any]]] = {}
        if rows:
            marks = ",".join("?" * len(rows))
            for note in self._conn.execute(
                f"SELECT call_id, account_id, record_key, status, last_error, attempts, logged_at "
                f"FROM notes WHERE call_id IN ({marks}) ORDER BY id", [r["call_id"] for r in rows]
            ):
                notes.setdefault(note["call_id"], []).append({
                    "account_id": note["account_id"], "record_key": note["record_key"],
                    "status": note["status"], "error": note["last_error"] or None,
                    "attempts": note["attempts"], "logged_at": note["logged_at"],
                })
        return [
            CallRow(
                call_id=r["call_id"], number=r["number"], e164=r["e164"], direction=r["direction"],
                state=r["state"], source=r["source"], started_at=_dt(r["started_at"]) or datetime.now(UTC),
                answered_at=_dt(r["answered_at"]), ended_at=_dt(r["ended_at"]),
                matches=json.loads(r["matches"]), timings=json.loads(r["timings"]),
                notes=notes.get(r["call_id"], []),
            )
            for r in rows
        ]

    # -- note outbox ---------------------------------------------------------------------

    def enqueue_note(self, draft: NoteDraft) -> int:
        """Store a note for delivery. Saving the same call+record again replaces an undelivered
        note's text (a recruiter editing before it went out) but never resends a logged one."""
        now = datetime.now(UTC).isoformat()
        with self._tx() as conn:
            row = conn.execute(
                "SELECT id, status FROM notes WHERE call_id=? AND record_key=?",
                (draft.call_id, draft.record.key)).fetchone()
            if row is None:
                cur = conn.execute(
                    "INSERT INTO notes (call_id, account_id, record_key, draft, status, created_at) "
                    "VALUES (?,?,?,?,?,?)",
                    (draft.call_id, draft.account_id, draft.record.key, draft.model_dump_json(),
                     NoteStatus.PENDING.value, now))
                return int(cur.lastrowid or 0)
            if row["status"] != NoteStatus.LOGGED.value:
                conn.execute(
                    "UPDATE notes SET draft=?, status=?, attempts=0, next_attempt_at=0, last_error='' "
                    "WHERE id=?", (draft.model_dump_json(), NoteStatus.PENDING.value, row["id"]))
            return int(row["id"])

    def note(self, note_id: int) -> NoteRow:
        row = self._conn.execute("SELECT * FROM notes WHERE id=?", (note_id,)).fetchone()
        if row is None:
            raise KeyError(note_id)
        return self._note(row)

    def due_notes(self, now: float) -> list[NoteRow]:
        rows = self._conn.execute(
            "SELECT * FROM notes WHERE status=? AND next_attempt_at<=? ORDER BY id",
            (NoteStatus.PENDING.value, now)).fetchall()
        return [self._note(r) for r in rows]

    def pending_notes(self) -> list[NoteRow]:
        rows = self._conn.execute(
            "SELECT * FROM notes WHERE status=? ORDER BY id", (NoteStatus.PENDING.value,)).fetchall()
        return [self._note(r) for r in rows]

    def mark_attempt(self, note_id: int, *, error: str, next_attempt_at: float) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE notes SET attempts=attempts+1, last_error=?, next_attempt_at=? WHERE id=?",
                (error, next_attempt_at, note_id))

    def mark_logged(self, note_id: int, remote_id: str | None) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE notes SET status=?, attempts=attempts+1, remote_id=?, logged_at=?, last_error='' "
                "WHERE id=?",
                (NoteStatus.LOGGED.value, remote_id, datetime.now(UTC).isoformat(), note_id))

    def mark_failed(self, note_id: int, error: str) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE notes SET status=?, attempts=attempts+1, last_error=? WHERE id=?",
                (NoteStatus.FAILED.value, error, note_id))

    @staticmethod
    def _note(row: sqlite3.Row) -> NoteRow:
        return NoteRow(
            id=row["id"], call_id=row["call_id"], account_id=row["account_id"],
            record_key=row["record_key"], draft=NoteDraft.model_validate_json(row["draft"]),
            status=NoteStatus(row["status"]), attempts=row["attempts"],
            next_attempt_at=row["next_attempt_at"], last_error=row["last_error"],
            remote_id=row["remote_id"],
        )
