"""The note outbox table: a note is committed here (fsynced) before any network call is made, and
its delivery state lives beside it.

    pending ──claim──▶ pending+sending ──▶ logged | failed | unconfirmed | pending (retry later)
    failed / unconfirmed ──retry──▶ pending;  unconfirmed ──confirm──▶ logged (the recruiter checked)

`sending_at` is set, durably, just before a request goes out and cleared with its outcome, so a
note still marked sending at start-up was in flight when Ringside died: its outcome is unknown.
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from app.core.note_status import NoteStatus
from app.core.stores import WAIT_SIGN_IN, NoteBusy, NoteRow
from app.storage.sqlite_file import Table, transaction

if TYPE_CHECKING:  # imported when a note is read as a row: history alone needs no pydantic
    from app.core.models import NoteDraft

_ATTENTION = (NoteStatus.FAILED.value, NoteStatus.UNCONFIRMED.value)


def note_dict(row: sqlite3.Row) -> dict[str, Any]:
    """A note as history shows it (`ringside history --json`, the history window). The draft's JSON is
    read as plain JSON (it was written by `NoteDraft.model_dump_json`): no pydantic on this path."""
    draft = json.loads(row["draft"])
    record = draft["record"]
    return {
        "account_id": row["account_id"], "record_key": row["record_key"], "status": row["status"],
        "error": row["last_error"] or None, "attempts": row["attempts"], "logged_at": row["logged_at"],
        "record_name": record["name"], "link": record.get("link"), "text": draft["text"],
        "record": record,
        "confirmed": bool(row["confirmed"]), "dismissed": bool(row["dismissed"]),
    }


class NotesTable(Table):

    def enqueue_note(self, draft: NoteDraft) -> int:
        """Store a note for delivery (durably, before anything is sent). Saving the same call+record
        again replaces the text of a note not yet delivered — a recruiter editing it — but never
        resends a logged one, nor changes one whose outcome is being checked (unconfirmed).
        Raises NoteBusy while the previous text is on its way."""
        now = datetime.now(UTC).isoformat()
        with transaction(self._conn, durable=True) as conn:
            row = conn.execute(
                "SELECT id, status, sending_at FROM notes WHERE call_id=? AND record_key=?",
                (draft.call_id, draft.record.key)).fetchone()
            if row is None:
                cur = conn.execute(
                    "INSERT INTO notes (call_id, account_id, record_key, draft, status, created_at) "
                    "VALUES (?,?,?,?,?,?)",
                    (draft.call_id, draft.account_id, draft.record.key, draft.model_dump_json(),
                     NoteStatus.PENDING.value, now))
                return int(cur.lastrowid or 0)
            if row["sending_at"] is not None:
                raise NoteBusy(f"The note for {draft.record.name} is being sent right now; edit it once it "
                               "has gone.")
            if row["status"] == NoteStatus.UNCONFIRMED.value:
                conn.execute("UPDATE notes SET draft=? WHERE id=?", (draft.model_dump_json(), row["id"]))
            elif row["status"] != NoteStatus.LOGGED.value:
                conn.execute(
                    "UPDATE notes SET draft=?, status=?, attempts=0, next_attempt_at=0, last_error='', "
                    "waiting='', dismissed=0 WHERE id=?",
                    (draft.model_dump_json(), NoteStatus.PENDING.value, row["id"]))
            return int(row["id"])

    def note(self, note_id: int) -> NoteRow:
        row = self._reading().execute("SELECT * FROM notes WHERE id=?", (note_id,)).fetchone()
        if row is None:
            raise KeyError(note_id)
        return _note(row)

    def note_for(self, call_id: str, record_key: str) -> NoteRow | None:
        row = self._reading().execute(
            "SELECT * FROM notes WHERE call_id=? AND record_key=?", (call_id, record_key)).fetchone()
        return _note(row) if row is not None else None

    def due_notes(self, now: float) -> list[NoteRow]:
        rows = self._reading().execute(
            "SELECT * FROM notes WHERE status=? AND next_attempt_at<=? AND sending_at IS NULL ORDER BY id",
            (NoteStatus.PENDING.value, now)).fetchall()
        return [_note(r) for r in rows]

    def pending_notes(self) -> list[NoteRow]:
        rows = self._reading().execute(
            "SELECT * FROM notes WHERE status=? ORDER BY id", (NoteStatus.PENDING.value,)).fetchall()
        return [_note(r) for r in rows]

    def interrupted_notes(self) -> list[NoteRow]:
        """Notes that were on the wire when the last run ended."""
        rows = self._reading().execute(
            "SELECT * FROM notes WHERE sending_at IS NOT NULL ORDER BY id").fetchall()
        return [_note(r) for r in rows]

    def attention_count(self) -> int:
        """Notes the recruiter has to act on: failed (not given up on) or unconfirmed."""
        row = self._reading().execute(
            "SELECT COUNT(*) FROM notes WHERE status IN (?,?) AND dismissed=0", _ATTENTION).fetchone()
        return int(row[0])

    # -- delivery --------------------------------------------------------------------------

    def claim(self, note_id: int) -> bool:
        """About to send: recorded durably first, so a crash mid-request is known to be one. Atomic:
        only a pending note nobody is sending is claimed, so of two processes on the same file only
        one sends it. False when it was not claimed (another one has it, or it is no longer pending)."""
        with transaction(self._conn, durable=True) as conn:
            return conn.execute(
                "UPDATE notes SET sending_at=? WHERE id=? AND status=? AND sending_at IS NULL",
                (time.time(), note_id, NoteStatus.PENDING.value)).rowcount == 1

    def release(self, note_id: int) -> None:
        """Nothing was sent after all (cancelled before the request went out)."""
        with transaction(self._conn) as conn:
            conn.execute("UPDATE notes SET sending_at=NULL WHERE id=?", (note_id,))

    def mark_attempt(self, note_id: int, *, error: str, next_attempt_at: float, waiting: str = "") -> None:
        with transaction(self._conn) as conn:
            conn.execute(
                "UPDATE notes SET attempts=attempts+1, last_error=?, next_attempt_at=?, waiting=?, "
                "sending_at=NULL WHERE id=?",
                (error, next_attempt_at, waiting, note_id))

    def mark_logged(self, note_id: int, remote_id: str | None) -> None:
        with transaction(self._conn, durable=True) as conn:
            conn.execute(
                "UPDATE notes SET status=?, attempts=attempts+1, remote_id=?, logged_at=?, last_error='', "
                "sending_at=NULL, waiting='' WHERE id=?",
                (NoteStatus.LOGGED.value, remote_id, datetime.now(UTC).isoformat(), note_id))

    def mark_failed(self, note_id: int, error: str) -> None:
        self._finish(note_id, NoteStatus.FAILED, error)

    def mark_unconfirmed(self, note_id: int, error: str) -> None:
        self._finish(note_id, NoteStatus.UNCONFIRMED, error)

    def _finish(self, note_id: int, status: NoteStatus, error: str) -> None:
        with transaction(self._conn, durable=True) as conn:
            conn.execute(
                "UPDATE notes SET status=?, attempts=attempts+1, last_error=?, sending_at=NULL, waiting='' "
                "WHERE id=?", (status.value, error, note_id))

    def wake_waiting(self, account_ids: set[str] | None = None) -> int:
        """Notes waiting for a sign-in become due now (the account was signed in again)."""
        sql = "UPDATE notes SET next_attempt_at=0, waiting='' WHERE status=? AND waiting=?"
        args: list[Any] = [NoteStatus.PENDING.value, WAIT_SIGN_IN]
        if account_ids is not None:
            sql += f" AND account_id IN ({','.join('?' * len(account_ids))})"
            args.extend(sorted(account_ids))
        with transaction(self._conn) as conn:
            return conn.execute(sql, args).rowcount

    def make_due(self) -> int:
        """Every pending note is due now (start-up: whatever kept them waiting may have passed)."""
        with transaction(self._conn) as conn:
            return conn.execute("UPDATE notes SET next_attempt_at=0, waiting='' WHERE status=? AND next_attempt_at>0",
                                (NoteStatus.PENDING.value,)).rowcount

    # -- the recruiter's decisions ------------------------------------------------------------

    def retry_note(self, call_id: str, record_key: str) -> int | None:
        """Send a failed or unconfirmed note again (for an unconfirmed one: the recruiter checked
        the CRM and it isn't there). Returns the note's id, or None if there is nothing to retry."""
        with transaction(self._conn, durable=True) as conn:
            row = conn.execute(
                "SELECT id FROM notes WHERE call_id=? AND record_key=? AND status IN (?,?) "
                "AND sending_at IS NULL", (call_id, record_key, *_ATTENTION)).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE notes SET status=?, attempts=0, next_attempt_at=0, last_error='', waiting='', "
                "dismissed=0 WHERE id=?", (NoteStatus.PENDING.value, row["id"]))
            return int(row["id"])

    def confirm_note(self, call_id: str, record_key: str) -> int | None:
        """The recruiter found an unconfirmed note in the CRM: it is logged."""
        with transaction(self._conn, durable=True) as conn:
            row = conn.execute(
                "SELECT id FROM notes WHERE call_id=? AND record_key=? AND status=?",
                (call_id, record_key, NoteStatus.UNCONFIRMED.value)).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE notes SET status=?, confirmed=1, logged_at=?, last_error='' WHERE id=?",
                (NoteStatus.LOGGED.value, datetime.now(UTC).isoformat(), row["id"]))
            return int(row["id"])

    def dismiss_note(self, call_id: str, record_key: str) -> int | None:
        """The recruiter gave up on a failed note: it stays in history, no longer asking for attention."""
        with transaction(self._conn) as conn:
            row = conn.execute(
                "SELECT id FROM notes WHERE call_id=? AND record_key=? AND status=?",
                (call_id, record_key, NoteStatus.FAILED.value)).fetchone()
            if row is None:
                return None
            conn.execute("UPDATE notes SET dismissed=1 WHERE id=?", (row["id"],))
            return int(row["id"])


def _note(row: sqlite3.Row) -> NoteRow:
    from app.core.models import NoteDraft

    return NoteRow(
        id=row["id"], call_id=row["call_id"], account_id=row["account_id"],
        record_key=row["record_key"], draft=NoteDraft.model_validate_json(row["draft"]),
        status=NoteStatus(row["status"]), attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"], last_error=row["last_error"],
        remote_id=row["remote_id"], sending=row["sending_at"] is not None, waiting=row["waiting"],
        confirmed=bool(row["confirmed"]), dismissed=bool(row["dismissed"]),
    )
