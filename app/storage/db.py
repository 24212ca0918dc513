"""SQLite (WAL): call history, the note outbox (notes_db.py), drafts (drafts_db.py), call-back reminders
(reminders_db.py) and missed-call callbacks.

A note is committed here before any network call is made, so nothing a recruiter typed is lost to
a CRM outage or a crash; delivery state lives beside it. Opening never fails on a damaged file: it
is moved aside and a fresh database started (sqlite_file.py), with `moved_aside` saying where it went
and `salvaged` how many unsent notes were recovered from it (salvage.py). A write that can't be
committed raises NotStored. What the running app writes goes to the writer thread (writer.py), off
the event loop and in the order queued: `save_call` for a call's row, `off_loop(write)` for the rest
(notes and their delivery states, drafts, reminders, dismissed callbacks), each returning a Future
that completes once the write is committed. Every read waits for the writes queued before it, except
the ring's (`last_call`, and the lookup cache's `get`), which read what is committed: a ring never
waits on the disk. The read the app makes after every change (the tray's count of missed calls) is
made on the writer thread, queued behind the writes, so the event loop does not wait for it either.
The tables and their versions are in schema.py; housekeeping (open calls of a killed run,
retention, forgetting a person) in upkeep.py.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from app.core.stores import CallRow, MissedRow, NoteBusy, NoteRow
from app.storage.drafts_db import DraftsTable
from app.storage.notes_db import NotesTable, note_dict
from app.storage.reminders_db import RemindersTable
from app.storage.salvage import salvage_pending_notes
from app.storage.schema import has_search_index, open_database
from app.storage.sqlite_file import DatabaseUnreadable, NotStored, Table, in_wal, transaction
from app.storage.upkeep import Forgotten, Purged, close_interrupted_calls, forget, purge_older_than
from app.storage.writer import Writer

if TYPE_CHECKING:  # reading history needs no pydantic
    from app.core.models import NoteDraft

__all__ = ["CallRow", "Database", "DatabaseUnreadable", "MissedRow", "NotStored", "NoteBusy", "NoteRow"]

T = TypeVar("T")
CALLBACK_WINDOW = timedelta(days=30)  # older missed calls drop off the callback list (not history)


def _ts(value: datetime | None) -> str | None:
    # Fixed-width UTC text, so that comparing the strings compares the times.
    return value.astimezone(UTC).isoformat(timespec="microseconds") if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class CallbacksTable(Table):
    """The callback list: read (on either connection), and a number dismissed from it."""

    def missed_callbacks(self, limit: int = 50) -> list[MissedRow]:
        """Numbers with missed inbound calls (of the last 30 days) that nobody has returned: no
        later outbound call to the number, no later answered call with it, and not dismissed.
        Newest first."""
        since = _ts(datetime.now(UTC) - CALLBACK_WINDOW)
        rows = self._conn.execute(
            """SELECT m.* FROM calls m
               WHERE m.state='missed' AND m.direction='inbound' AND m.callback_dismissed_at IS NULL
                 AND m.started_at >= ?
                 AND NOT EXISTS (
                   SELECT 1 FROM calls c WHERE c.e164 = m.e164 AND c.started_at > m.started_at
                     AND (c.direction='outbound' OR c.answered_at IS NOT NULL))
               ORDER BY m.started_at DESC LIMIT ?""", (since, limit * 4)).fetchall()
        grouped: dict[str, list[sqlite3.Row]] = {}
        for row in rows:
            grouped.setdefault(row["e164"] or row["number"], []).append(row)
        return [
            MissedRow(key=key, number=group[0]["number"], e164=group[0]["e164"], count=len(group),
                      last=_call(group[0], []))
            for key, group in list(grouped.items())[:limit]
        ]

    def dismiss_callback(self, key: str) -> int:
        """Take a number's missed calls off the callback list (kept in history). Returns how many."""
        with transaction(self._conn) as conn:
            return conn.execute(
                "UPDATE calls SET callback_dismissed_at=? WHERE state='missed' AND direction='inbound' "
                "AND callback_dismissed_at IS NULL AND COALESCE(e164, number)=?",
                (_ts(datetime.now(UTC)), key)).rowcount


class WriterTables(NotesTable, DraftsTable, RemindersTable, CallbacksTable):
    """The tables as the writer thread's connection sees them (what `Database.off_loop` hands a write)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn


class Database(NotesTable, DraftsTable, RemindersTable, CallbacksTable):
    def __init__(self, path: Path | str, *, recover: bool = True) -> None:
        """`recover`: move an unreadable file aside and start afresh (the app); False raises
        DatabaseUnreadable instead (read-only CLI commands)."""
        self.path = path
        opened = open_database(path, recover=recover)  # brought to the current schema version
        self._conn = opened.conn
        self._indexed = has_search_index(self._conn)  # False on a SQLite without FTS5: search scans
        self.moved_aside: Path | None = opened.moved_aside
        self.salvaged = salvage_pending_notes(opened.moved_aside, self._conn) if opened.moved_aside else 0
        self._writer = Writer(path)  # its thread starts at the first call saved
        self._wal = in_wal(self._conn)  # without it, the ring's reads wait for the writer after all

    @property
    def connection(self) -> sqlite3.Connection:
        """For other tables in the same file (the lookup cache)."""
        return self._conn

    def enqueue_note(self, draft: NoteDraft) -> int:
        """The call's queued writes first: a note is never committed before the call it is about."""
        self._writer.settle()
        return super().enqueue_note(draft)

    def off_loop(self, write: Callable[[WriterTables], T]) -> Future[T]:
        """Run `write` on the writer thread, against the tables as its connection sees them, after the
        writes queued before it; the Future holds what it returned (committed) or raised (NotStored)."""
        return self._writer.submit(lambda conn: write(WriterTables(conn)))

    def purge_off_loop(self, keep_days: int) -> Future[Purged]:
        """`purge`, on the writer thread (it may erase thousands of rows)."""
        return self._writer.submit(lambda conn: purge_older_than(conn, keep_days))

    def _reading(self) -> sqlite3.Connection:
        self._writer.settle()
        return self._conn

    @property
    def writer(self) -> Writer:
        """The thread that writes calls and note deliveries, with its own connection."""
        return self._writer

    def close(self) -> None:
        """The queued writes are finished first."""
        self._writer.close()
        self._conn.close()

    # -- housekeeping (upkeep.py) ----------------------------------------------------------------

    def close_interrupted_calls(self) -> Future[int]:
        """At start-up: calls a killed run left ringing or answered are closed as ended, on the writer
        thread after the writes queued before it; the Future holds how many."""
        return self._writer.submit(close_interrupted_calls)

    def purge(self, keep_days: int) -> Purged:
        """Calls and notes older than `keep_days` days are erased (0: keep everything)."""
        self._writer.settle()
        return purge_older_than(self._conn, keep_days)

    def forget(self, numbers: set[str]) -> Forgotten:
        """Erase one person's calls, notes, cache entries and queued uploads."""
        self._writer.settle()
        return forget(self._conn, numbers)

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
    ) -> Future[None]:
        """Queue the call's row (new, or its latest state) for the writer thread; the Future completes
        when it is committed, or holds NotStored."""
        row = (call_id, number, e164, direction, state, source, _ts(started_at), _ts(answered_at),
               _ts(ended_at), json.dumps(matches), json.dumps(timings))  # now: the caller may change them

        def write(conn: sqlite3.Connection) -> None:
            with transaction(conn) as tx:
                tx.execute(
                    """INSERT INTO calls (call_id, number, e164, direction, state, source, started_at,
                         answered_at, ended_at, matches, timings) VALUES (?,?,?,?,?,?,?,?,?,?,?)
                       ON CONFLICT(call_id) DO UPDATE SET e164=excluded.e164, state=excluded.state,
                         answered_at=excluded.answered_at, ended_at=excluded.ended_at,
                         matches=excluded.matches, timings=excluded.timings""", row)

        return self._writer.submit(write)

    def recent_calls(self, limit: int = 20) -> list[CallRow]:
        self._writer.settle()
        rows = self._conn.execute(
            "SELECT * FROM calls ORDER BY started_at DESC LIMIT ?", (limit,)).fetchall()
        return self._with_notes(rows)

    def search_calls(self, text: str, limit: int = 200) -> list[CallRow]:
        """Calls whose number, matched name or company, or note text holds `text` (any case),
        newest first. Digits typed with spaces or dashes ("0491 57") find the number however it was
        stored, and a local number typed with its leading 0 also finds the E.164 form. Answered from
        the search index (schema version 4) when every part searched for has 3 characters or more;
        otherwise, or without the index, by scanning the calls newest first."""
        self._writer.settle()
        words = text.strip()
        if not words:
            return self.recent_calls(limit)
        digits = re.sub(r"\D", "", words)
        # Only a query of digits and phone punctuation searches by digits ("Room 3" must not).
        by_digits = digits if digits and not re.sub(r"[\d\s()+.-]", "", words) else None
        national = by_digits.lstrip("0") or by_digits if by_digits else None
        phrases = [words] + ([national] if national else [])
        if self._indexed and all(len(p) >= 3 for p in phrases):
            rows = self._indexed_search(" OR ".join('"' + p.replace('"', '""') + '"' for p in phrases), limit)
        else:
            rows = self._scan(words, by_digits, limit)
        return self._with_notes(rows)

    def _indexed_search(self, query: str, limit: int) -> list[sqlite3.Row]:
        """The newest `limit` calls the index finds for the FTS5 `query`. Few hits: fetched and sorted.
        Many (a common surname): the calls are walked newest first along calls_started until `limit`
        of them are hits, which stops early instead of sorting thousands of rows."""
        hits = [r[0] for r in self._conn.execute("SELECT rowid FROM calls_search WHERE calls_search MATCH ?", (query,))]
        if not hits:
            return []
        (calls,) = self._conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM calls").fetchone()  # about how many
        # Sorting costs a row read per hit; the walk, a cheap index step per call until `limit` hits.
        walk = len(hits) ** 2 * 30 > calls * limit
        return self._conn.execute(
            f"SELECT * FROM calls {'INDEXED BY calls_started' if walk else ''} "
            "WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY started_at DESC LIMIT ?",
            (json.dumps(hits), limit)).fetchall()

    def _scan(self, words: str, by_digits: str | None, limit: int) -> list[sqlite3.Row]:
        like = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        national = f"%{by_digits.lstrip('0')}%" if by_digits and by_digits.lstrip("0") else None
        return self._conn.execute(
            r"""SELECT * FROM calls c WHERE
                 c.number LIKE :like ESCAPE '\'
                 OR (:digits IS NOT NULL AND (replace(replace(replace(replace(c.number, ' ', ''), '-', ''),
                        '(', ''), ')', '') LIKE :digits OR c.e164 LIKE :digits OR c.e164 LIKE :national))
                 OR EXISTS (SELECT 1 FROM json_each(c.matches) m
                   WHERE json_extract(m.value, '$.name') LIKE :like ESCAPE '\'
                      OR json_extract(m.value, '$.company') LIKE :like ESCAPE '\')
                 OR EXISTS (SELECT 1 FROM notes n WHERE n.call_id = c.call_id
                   AND json_extract(n.draft, '$.text') LIKE :like ESCAPE '\')
               ORDER BY c.started_at DESC LIMIT :limit""",
            {"like": like, "digits": f"%{by_digits}%" if by_digits else None, "national": national,
             "limit": limit}).fetchall()

    def call(self, call_id: str) -> CallRow | None:
        self._writer.settle()
        rows = self._conn.execute("SELECT * FROM calls WHERE call_id=?", (call_id,)).fetchall()
        found = self._with_notes(rows)
        return found[0] if found else None

    def _with_notes(self, rows: list[sqlite3.Row]) -> list[CallRow]:
        notes: dict[str, list[dict[str, Any]]] = {}
        if rows:
            marks = ",".join("?" * len(rows))
            for note in self._conn.execute(
                f"SELECT * FROM notes WHERE call_id IN ({marks}) ORDER BY id", [r["call_id"] for r in rows]
            ):
                notes.setdefault(note["call_id"], []).append(note_dict(note))
        return [_call(r, notes.get(r["call_id"], [])) for r in rows]

    def last_call(self, e164: str, before: datetime) -> tuple[CallRow | None, int]:
        """Both reads walk the calls(e164, started_at) index: cheap enough for the ringing card. What is
        committed, without waiting for the writes queued: a ring reads it before its first paint and
        must not wait on the disk (behind a purge, a burst of writes); a call still being written, a
        few milliseconds old, is at worst shown as it was when last committed. (Without WAL a read
        would wait for a write in progress anyway, on SQLite's lock: then it waits for the queue.)"""
        if not self._wal:
            self._writer.settle()
        rows = self._conn.execute(
            "SELECT * FROM calls WHERE e164=? AND started_at<? ORDER BY started_at DESC LIMIT 1",
            (e164, _ts(before))).fetchall()
        if not rows:
            return None, 0
        (earlier,) = self._conn.execute(
            "SELECT COUNT(*) FROM calls WHERE e164=? AND started_at<?", (e164, rows[0]["started_at"])).fetchone()
        return self._with_notes(rows)[0], int(earlier)

    # -- missed calls to return -------------------------------------------------------------

    def missed_callbacks(self, limit: int = 50) -> list[MissedRow]:
        """Here, after the queued writes; the running app's tray counts them on the writer thread."""
        self._writer.settle()
        return super().missed_callbacks(limit)

    def dismiss_callback(self, key: str) -> int:
        """Here, on the calling thread (a command, a test), after the queued writes; the app uses `off_loop`."""
        self._writer.settle()
        return super().dismiss_callback(key)


def _call(r: sqlite3.Row, notes: list[dict[str, Any]]) -> CallRow:
    return CallRow(
        call_id=r["call_id"], number=r["number"], e164=r["e164"], direction=r["direction"],
        state=r["state"], source=r["source"], started_at=_dt(r["started_at"]) or datetime.now(UTC),
        answered_at=_dt(r["answered_at"]), ended_at=_dt(r["ended_at"]),
        matches=json.loads(r["matches"]), timings=json.loads(r["timings"]), notes=notes,
    )
