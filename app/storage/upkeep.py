"""Housekeeping on Ringside's database: calls a killed run left open, the retention limit, and
erasing one person (`ringside history --forget`).

Every change is one transaction, so a failure leaves the file as it was.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.core.note_status import NoteStatus
from app.storage.sqlite_file import transaction

_OPEN_STATES = ("ringing", "answered")
# Tables whose rows belong to a call (by call_id) and are read by name elsewhere; any other table
# with a call_id column (note drafts, among others) is erased by --forget as well.
_KNOWN = ("calls", "notes", "lookup_cache", "call_uploads")


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def close_interrupted_calls(conn: sqlite3.Connection) -> int:
    """Calls still ringing or answered when the last run ended (killed) are closed as ended; the end
    time is left unknown. Their notes can still be written and sent. Returns how many."""
    with transaction(conn) as tx:
        return tx.execute(
            f"UPDATE calls SET state='ended' WHERE state IN ({','.join('?' * len(_OPEN_STATES))})",
            _OPEN_STATES).rowcount


@dataclass(frozen=True)
class Purged:
    calls: int
    notes: int


def purge_older_than(conn: sqlite3.Connection, keep_days: int, now: datetime | None = None) -> Purged:
    """Erase calls and notes older than `keep_days` days (0: keep everything). A note not yet
    delivered is kept, and so is its call, whatever its age."""
    if keep_days <= 0:
        return Purged(0, 0)
    cutoff = _ts((now or datetime.now(UTC)) - timedelta(days=keep_days))
    with transaction(conn) as tx:
        notes = tx.execute(
            "DELETE FROM notes WHERE created_at < ? AND status != ? AND sending_at IS NULL",
            (cutoff, NoteStatus.PENDING.value)).rowcount
        calls = tx.execute(
            "DELETE FROM calls WHERE started_at < ? AND NOT EXISTS "
            "(SELECT 1 FROM notes n WHERE n.call_id = calls.call_id)", (cutoff,)).rowcount
        for table in _call_tables(tx):
            tx.execute(f"DELETE FROM {table} WHERE call_id NOT IN (SELECT call_id FROM calls)")
    return Purged(calls, notes)


@dataclass
class Forgotten:
    """How many rows of each kind `forget` erased."""

    calls: int = 0
    notes: int = 0
    cache_entries: int = 0
    uploads: int = 0
    other: dict[str, int] = field(default_factory=dict)  # other tables by name (note drafts…)


def forget(conn: sqlite3.Connection, numbers: set[str]) -> Forgotten:
    """Erase everything held about the person at `numbers` (the E.164 form and the text as typed):
    their calls, those calls' notes and rows in any other per-call table, their lookup cache entries
    and queued call uploads."""
    if not numbers:
        return Forgotten()
    marks = ",".join("?" * len(numbers))
    args = sorted(numbers)
    done = Forgotten()
    conn.execute("PRAGMA secure_delete=ON")  # freed pages are zeroed, not left holding the text
    with transaction(conn, durable=True) as tx:
        tx.execute("CREATE TEMP TABLE IF NOT EXISTS forget_ids (call_id TEXT PRIMARY KEY)")
        tx.execute("DELETE FROM forget_ids")
        tx.execute(f"INSERT INTO forget_ids SELECT call_id FROM calls WHERE e164 IN ({marks}) "
                   f"OR number IN ({marks})", args + args)
        done.notes = tx.execute("DELETE FROM notes WHERE call_id IN (SELECT call_id FROM forget_ids)").rowcount
        for table in _call_tables(tx):
            done.other[table] = tx.execute(
                f"DELETE FROM {table} WHERE call_id IN (SELECT call_id FROM forget_ids)").rowcount
        done.cache_entries = tx.execute(f"DELETE FROM lookup_cache WHERE e164 IN ({marks})", args).rowcount
        done.uploads = tx.execute(
            f"DELETE FROM call_uploads WHERE external_id IN (SELECT call_id FROM forget_ids) "
            f"OR json_extract(body, '$.phone') IN ({marks})", args).rowcount
        done.calls = tx.execute("DELETE FROM calls WHERE call_id IN (SELECT call_id FROM forget_ids)").rowcount
        tx.execute("DELETE FROM forget_ids")
    # The erased text may linger in free pages and the WAL until they are reused: wipe them now.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return done


def _call_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables other than the known ones that hold rows per call (a call_id column)."""
    names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return [name for name in names if name not in _KNOWN and not name.startswith("sqlite_")
            and any(col[1] == "call_id" for col in conn.execute(f"PRAGMA table_info({name})"))]
