"""The database's schema version and the migrations that bring any older file up to it.

The version is SQLite's `PRAGMA user_version`. `MIGRATIONS[n]` takes a database from version n to
n + 1; opening a file runs the ones it lacks, in order, in one transaction that also sets the new
version, so a crash mid-upgrade leaves the file as it was. A released migration never changes:
a new table or column is a new function appended to `MIGRATIONS`, nothing else.

Version 0 is a file without a version: empty, or made by the first release (or a build before it).
Version 1 is the first release's schema exactly, made by what the first release did on every open.
Version 2 adds the drafts table.
Version 3 adds the reminders table.
Version 4 adds `calls_search`, a full-text index (SQLite FTS5, trigram) of each call's number, matched
names and companies and note text, kept in step with `calls` and `notes` by triggers. A SQLite built
without FTS5 (or too old for its trigram tokenizer) gets version 4 without the table; search then scans.
A file from a newer Ringside (a version above `CURRENT`) is refused with `DatabaseTooNew` and left
as it is: this code cannot know what the newer tables mean.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from app.storage.sqlite_file import DatabaseUnreadable, Opened, open_connection, transaction

Migration = Callable[[sqlite3.Connection], None]


class DatabaseTooNew(DatabaseUnreadable):
    """The file was written by a newer Ringside."""


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Each statement of `script` on `conn`, inside the caller's transaction (`executescript` would
    commit it). Statements are whole SQL statements, so trigger bodies with `;` stay in one piece."""
    statement = ""
    for part in script.split(";"):
        statement += part + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                conn.execute(statement)
            statement = ""
    if statement.strip(" \n;"):
        raise ValueError(f"Incomplete SQL statement: {statement.strip()}")


# -- version 1: the first release ---------------------------------------------------------------
# Frozen: the first release's DDL as it ran it. Its tables were created when missing and the columns
# added after its first builds were added when missing, so an unversioned file of any shape it could
# meet ends up as the same version 1.

_V1_TABLES = """
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
CREATE INDEX IF NOT EXISTS calls_number ON calls(e164, started_at);
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
_V1_COLUMNS = {
    "calls": {
        "callback_dismissed_at": "TEXT",  # a missed call the recruiter took off the callback list
    },
    "notes": {
        "sending_at": "REAL",  # set while a request may be on the wire
        "waiting": "TEXT NOT NULL DEFAULT ''",  # 'sign_in': retried at once when the account signs in again
        "confirmed": "INTEGER NOT NULL DEFAULT 0",  # logged because the recruiter checked the CRM
        "dismissed": "INTEGER NOT NULL DEFAULT 0",  # a failed note the recruiter gave up on
    },
}
# After the columns exist. The callback list is read on every tray update, so it must not scan history.
# The lookup cache (core.cache) and retailCRM's upload queue (crm.retailcrm.upload_queue) live in the
# same file, so their tables are versioned here too.
_V1_LATE = """
CREATE INDEX IF NOT EXISTS calls_to_call_back ON calls(started_at)
    WHERE state='missed' AND direction='inbound' AND callback_dismissed_at IS NULL;
CREATE TABLE IF NOT EXISTS lookup_cache (
    account_id  TEXT NOT NULL,
    e164        TEXT NOT NULL,
    status      TEXT NOT NULL,
    result      TEXT NOT NULL,
    stored_at   REAL NOT NULL,
    PRIMARY KEY (account_id, e164)
);
CREATE TABLE IF NOT EXISTS call_uploads (
    account_id  TEXT NOT NULL,
    external_id TEXT NOT NULL,
    body        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending',
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  REAL NOT NULL,
    PRIMARY KEY (account_id, external_id)
);
"""


def _v1_first_release(conn: sqlite3.Connection) -> None:
    run_script(conn, _V1_TABLES)
    for table, columns in _V1_COLUMNS.items():
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        for name, declaration in columns.items():
            if name not in have:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {declaration}")
    run_script(conn, _V1_LATE)


# -- version 2: drafts ----------------------------------------------------------------------------
# Notes typed but not saved (a card's notes box during a call, a note form closed with text in it, an
# auto-logged note waiting for a pick), one per call, so a killed Ringside shows them on the next start.

_V2_DRAFTS = """
CREATE TABLE drafts (
    call_id     TEXT PRIMARY KEY,
    text        TEXT NOT NULL,
    needs_pick  TEXT NOT NULL DEFAULT '[]',
    updated_at  TEXT NOT NULL
);
"""


def _v2_drafts(conn: sqlite3.Connection) -> None:
    run_script(conn, _V2_DRAFTS)


# -- version 3: reminders ---------------------------------------------------------------------------
# "Call back in…" from the note form: due at a time, notified once, listed until marked done.

_V3_REMINDERS = """
CREATE TABLE reminders (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id     TEXT NOT NULL,
    number      TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    due_at      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    fired_at    TEXT,
    done_at     TEXT
);
CREATE INDEX reminders_open ON reminders(due_at) WHERE done_at IS NULL;
"""


def _v3_reminders(conn: sqlite3.Connection) -> None:
    run_script(conn, _V3_REMINDERS)


# -- version 4: search ------------------------------------------------------------------------------
# The history window's search (by name, number, company or note text) answers from an index instead of
# scanning five years of calls. The trigram tokenizer matches any substring of 3 characters or more,
# in any case. One row per call, rowid = the call's rowid; its text is rebuilt by triggers whenever
# the call's number or matches, or any of its notes, change, so no writer has to remember it.

SEARCH_TABLE = "calls_search"
# The text a call is found by, for the call `c`: the number as stored and as digits only, the E.164
# form, every match's name and company and every note's text, one per line. Malformed JSON (a file
# edited by hand) adds nothing rather than failing the write.
_SEARCH_TEXT = """
    c.number || char(10)
    || replace(replace(replace(replace(replace(c.number, ' ', ''), '-', ''), '(', ''), ')', ''), '.', '')
    || char(10) || coalesce(c.e164, '') || char(10)
    || coalesce((SELECT group_concat(coalesce(json_extract(m.value, '$.name'), '') || char(10)
                                     || coalesce(json_extract(m.value, '$.company'), ''), char(10))
                 FROM json_each(CASE WHEN json_valid(c.matches) THEN c.matches ELSE '[]' END) m
                 WHERE m.type = 'object'), '') || char(10)
    || coalesce((SELECT group_concat(coalesce(json_extract(n.draft, '$.text'), ''), char(10))
                 FROM notes n WHERE n.call_id = c.call_id AND json_valid(n.draft)), '')
"""


def _index(call_id: str) -> str:
    """The statement that adds the search row of the call whose id is the SQL expression `call_id`."""
    return f"INSERT INTO calls_search (rowid, text) SELECT c.rowid, {_SEARCH_TEXT} FROM calls c " \
           f"WHERE c.call_id = {call_id};"


def _reindex(call_id: str) -> str:
    """Statements that rebuild it (the delete is one rowid lookup: a scalar, not a set, for FTS5)."""
    return f"DELETE FROM calls_search WHERE rowid = (SELECT rowid FROM calls WHERE call_id = {call_id}); " \
           + _index(call_id)


_V4_SEARCH = f"""
CREATE VIRTUAL TABLE calls_search USING fts5(text, tokenize = 'trigram');
INSERT INTO calls_search (rowid, text) SELECT c.rowid, {_SEARCH_TEXT} FROM calls c;
CREATE TRIGGER calls_search_call_added AFTER INSERT ON calls BEGIN {_index("new.call_id")} END;
CREATE TRIGGER calls_search_call_changed AFTER UPDATE OF number, e164, matches ON calls BEGIN
    {_reindex("new.call_id")} END;
CREATE TRIGGER calls_search_call_erased AFTER DELETE ON calls BEGIN
    DELETE FROM calls_search WHERE rowid = old.rowid; END;
CREATE TRIGGER calls_search_note_added AFTER INSERT ON notes BEGIN {_reindex("new.call_id")} END;
CREATE TRIGGER calls_search_note_changed AFTER UPDATE OF draft, call_id ON notes BEGIN
    {_reindex("old.call_id")} {_reindex("new.call_id")} END;
CREATE TRIGGER calls_search_note_erased AFTER DELETE ON notes BEGIN {_reindex("old.call_id")} END;
"""


def fts5_trigram_available(conn: sqlite3.Connection) -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer (3.34 or later)."""
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x, tokenize = 'trigram')")
    except sqlite3.OperationalError:
        return False
    conn.execute("DROP TABLE temp.fts5_probe")
    return True


def _v4_search(conn: sqlite3.Connection) -> None:
    if fts5_trigram_available(conn):
        run_script(conn, _V4_SEARCH)


def has_search_index(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (SEARCH_TABLE,)).fetchone() is not None


# -- the list ------------------------------------------------------------------------------------

MIGRATIONS: list[Migration] = [
    _v1_first_release,  # 0 → 1
    _v2_drafts,  # 1 → 2
    _v3_reminders,  # 2 → 3
    _v4_search,  # 3 → 4
]


def current() -> int:
    """The version this code writes: one per migration."""
    return len(MIGRATIONS)


def version_of(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, *, where: str = "") -> int:
    """Bring the database on `conn` to the current version; returns the version it was found at.
    Raises DatabaseTooNew (the file untouched) when it is newer than this code."""
    target = current()
    found = version_of(conn)
    if found == target:  # the usual open: no write, no lock
        return found
    with transaction(conn) as tx:
        found = version_of(tx)  # again under the write lock: another connection may have just done it
        if found > target:
            raise DatabaseTooNew(
                f"The Ringside database {where or 'file'} was written by a newer Ringside (schema version "
                f"{found}; this one knows up to {target}). Update Ringside to use it, or move the file "
                "aside to start a fresh one.")
        for step in MIGRATIONS[found:]:
            step(tx)
        tx.execute(f"PRAGMA user_version={target}")
    return found


def open_database(path: Path | str, *, recover: bool) -> Opened:
    """Open Ringside's database file (see sqlite_file.open_connection) at the current schema version."""
    return open_connection(path, recover=recover, prepare=lambda conn: migrate(conn, where=str(path)))
