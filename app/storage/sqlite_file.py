"""Opening Ringside's SQLite file so that a bad file never stops the app from starting.

SQLite itself leaves nothing behind that blocks the next start: after a crash (even SIGKILL) the
`-wal` and `-shm` files are recovered by the next connection, and no lock outlives its process.
What can stop a start is a file that is not a database (truncated, overwritten, a disk error) or
one we may not read. `open_connection(recover=True)` moves such a file aside (with its -wal and
-shm) and starts a fresh one, reporting where the old one went; `recover=False` (the CLI, which only
reads) raises `DatabaseUnreadable` instead and leaves the file alone.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.errors import RingsideError

log = logging.getLogger(__name__)

_SIDE_FILES = ("-wal", "-shm", "-journal")


class DatabaseUnreadable(RingsideError):
    pass


@dataclass(frozen=True)
class Opened:
    conn: sqlite3.Connection
    moved_aside: Path | None  # where an unreadable file was moved, when it was


def open_connection(path: Path | str, *, recover: bool, prepare: Callable[[sqlite3.Connection], object]) -> Opened:
    """Connect (WAL, busy timeout), check the file and `prepare` it (schema.migrate brings it to the
    current schema version). Only SQLite's own errors count as an unreadable file; whatever else
    `prepare` raises (a file from a newer Ringside) leaves the file alone and reaches the caller."""
    target = Path(path)
    try:
        return Opened(_connect(target, prepare), None)
    except sqlite3.DatabaseError as exc:  # OperationalError (can't open/read) is a subclass
        reason = str(exc) or exc.__class__.__name__
        if not recover or str(path) == ":memory:":
            raise DatabaseUnreadable(
                f"The Ringside database {target} can't be read ({reason}). Start Ringside to move it "
                "aside and begin a fresh one."
            ) from None
    moved = _move_aside(target)
    log.error("Database %s was unreadable (%s); moved aside to %s", target, reason, moved)
    try:
        return Opened(_connect(target, prepare), moved)
    except sqlite3.DatabaseError as exc:  # e.g. the folder itself is not writable
        raise DatabaseUnreadable(f"The Ringside database {target} can't be created ({exc}).") from None


def _connect(path: Path, prepare: Callable[[sqlite3.Connection], object]) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        # Finds a damaged file now rather than mid-call; quick on a database of this size.
        problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError("; ".join(str(p) for p in problems))
        prepare(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _move_aside(path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.unreadable-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.unreadable-{stamp}-{n}")
    if path.exists():
        path.replace(aside)
    for suffix in _SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.replace(aside.with_name(aside.name + suffix))
    return aside


@contextmanager
def transaction(conn: sqlite3.Connection, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT. `durable`: fsync on commit (synchronous=FULL), for what must survive
    a power cut as well as a crash (a note the recruiter typed); everything else commits with
    synchronous=NORMAL, which WAL keeps safe against crashes."""
    if durable:
        conn.execute("PRAGMA synchronous=FULL")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        if durable:
            conn.execute("PRAGMA synchronous=NORMAL")
