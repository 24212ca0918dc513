"""Opening Ringside's SQLite file so that a bad file never stops the app, and a good one is never lost.

SQLite itself leaves nothing behind that blocks the next start: after a crash (even SIGKILL) the
`-wal` and `-shm` files are recovered by the next connection, and no lock outlives its process.
Three things can still stand in the way, and each is told apart by SQLite's own result code:

- damage (SQLITE_CORRUPT, SQLITE_NOTADB, or `PRAGMA quick_check` finding problems; the check reads
  the whole file, so it runs at every open only while the file is small, and on a larger one once a
  day, its last pass stamped beside the file): checked once
  more on a fresh read-only connection, then `recover=True` moves the file aside (with its -wal and
  -shm) and starts a fresh one, reporting where the old one went; `recover=False` (the CLI, which
  only reads) raises `DatabaseUnreadable` and leaves the file alone;
- a lock (SQLITE_BUSY/SQLITE_LOCKED: another program is writing): waited for, saying so once;
- anything else (no permission, a read-only folder): `DatabaseUnreadable`, the file left alone.

`transaction` raises `NotStored` when a write can't be committed (disk full, read-only file), so
callers can say "shown, not stored" rather than pretend.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.errors import NotStored, RingsideError

log = logging.getLogger(__name__)

_SIDE_FILES = ("-wal", "-shm", "-journal", "-checked")
_DAMAGE = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_LOCKED = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
OPEN_BUSY_MS = 1000  # how long one try at opening waits on a lock before saying it is waiting
BUSY_MS = 5000  # after opening: how long a write waits for another writer
CHECK_ALWAYS_BYTES = 8 * 1024 * 1024  # quick_check of a file this size takes milliseconds
CHECK_EVERY_S = 24 * 3600  # a larger file: checked when its last passing check is older than this


class DatabaseUnreadable(RingsideError):
    pass


__all__ = ["DatabaseUnreadable", "NotStored", "Opened", "Table", "open_connection", "transaction"]


class Table:
    """A table's methods on a connection: `_conn` writes; reads go through `_reading()`, which the
    loop's `Database` makes wait for the writes queued on its writer thread."""

    _conn: sqlite3.Connection

    def _reading(self) -> sqlite3.Connection:
        return self._conn


@dataclass(frozen=True)
class Opened:
    conn: sqlite3.Connection
    moved_aside: Path | None  # where a damaged file was moved, when it was


class _Damaged(sqlite3.DatabaseError):
    """quick_check found problems (SQLite answered, but the file is not sound)."""


def result_code(exc: BaseException) -> int | None:
    """SQLite's primary result code of an error (SQLITE_FULL, SQLITE_BUSY…), None when it gave none."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_damage(exc: BaseException) -> bool:
    return isinstance(exc, _Damaged) or result_code(exc) in _DAMAGE


def say_waiting(message: str) -> None:
    """Where the lock message goes by default: the log and the terminal that started Ringside."""
    log.warning("%s", message)
    print(message, file=sys.stderr, flush=True)


def open_connection(path: Path | str, *, recover: bool, prepare: Callable[[sqlite3.Connection], object],
                    on_wait: Callable[[str], None] = say_waiting) -> Opened:
    """Connect (WAL, busy timeout), check the file and `prepare` it (schema.migrate brings it to the
    current schema version). Only SQLite's damage codes count as a damaged file; whatever else
    `prepare` raises (a file from a newer Ringside) leaves the file alone and reaches the caller."""
    target = Path(path)
    try:
        return Opened(_connect_waiting(target, prepare, on_wait), None)
    except sqlite3.DatabaseError as exc:
        reason = str(exc) or exc.__class__.__name__
        if not is_damage(exc):
            raise DatabaseUnreadable(f"The Ringside database {target} can't be opened ({reason}).") from None
        if not recover or str(path) == ":memory:":
            raise DatabaseUnreadable(
                f"The Ringside database {target} can't be read ({reason}). Start Ringside to move it "
                "aside and begin a fresh one."
            ) from None
    if not still_damaged(target):  # a passing fault: the file is sound, so it stays where it is
        try:
            return Opened(_connect_waiting(target, prepare, on_wait), None)
        except sqlite3.DatabaseError as exc:
            raise DatabaseUnreadable(f"The Ringside database {target} can't be opened ({exc}).") from None
    moved = _move_aside(target)
    log.error("Database %s was damaged (%s); moved aside to %s", target, reason, moved)
    try:
        return Opened(_connect_waiting(target, prepare, on_wait), moved)
    except sqlite3.DatabaseError as exc:  # e.g. the folder itself is not writable
        raise DatabaseUnreadable(f"The Ringside database {target} can't be created ({exc}).") from None


def in_wal(conn: sqlite3.Connection) -> bool:
    """Whether the file is in WAL mode, which some filesystems (network shares) refuse. Only then does a
    read on one connection never wait for a write in progress on another."""
    (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
    return str(mode).lower() == "wal"


def still_damaged(path: Path) -> bool:
    """A second opinion before moving anything: a fresh read-only connection and quick_check."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=OPEN_BUSY_MS / 1000)
    except sqlite3.DatabaseError as exc:
        return is_damage(exc)
    try:
        return [row[0] for row in conn.execute("PRAGMA quick_check(3)")] != ["ok"]
    except sqlite3.DatabaseError as exc:
        return is_damage(exc)
    finally:
        conn.close()


def _connect_waiting(path: Path, prepare: Callable[[sqlite3.Connection], object],
                     on_wait: Callable[[str], None]) -> sqlite3.Connection:
    """`_connect`, tried again for as long as another program holds a lock on the file."""
    said = False
    while True:
        try:
            return _connect(path, prepare)
        except sqlite3.OperationalError as exc:
            if result_code(exc) not in _LOCKED:
                raise
            if not said:
                on_wait(f"The Ringside database {path} is locked by another program; waiting")
                said = True
            time.sleep(0.1)


def _connect(path: Path, prepare: Callable[[sqlite3.Connection], object]) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout={OPEN_BUSY_MS}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        # Finds a damaged file now rather than mid-call (SQLite's own errors find it otherwise).
        if _check_due(path):
            problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise _Damaged("; ".join(str(p) for p in problems))
            _stamp(path)
        prepare(conn)
        conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
    except BaseException:
        conn.close()
        raise
    return conn


def _check_stamp(path: Path) -> Path:
    return path.with_name(path.name + "-checked")


def _check_due(path: Path) -> bool:
    try:
        if path.stat().st_size <= CHECK_ALWAYS_BYTES:
            return True
        return time.time() - _check_stamp(path).stat().st_mtime > CHECK_EVERY_S
    except OSError:  # a new file, or no stamp yet
        return True


def _stamp(path: Path) -> None:
    """Remember when a larger file last passed its check (a read-only folder: checked every time)."""
    try:
        if path.stat().st_size > CHECK_ALWAYS_BYTES:
            _check_stamp(path).touch()
    except OSError:
        pass


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
    synchronous=NORMAL, which WAL keeps safe against crashes. A write SQLite refuses for want of room
    or permission (SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN) raises `NotStored`,
    with nothing of the transaction left behind."""
    try:
        if durable:
            conn.execute("PRAGMA synchronous=FULL")
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        finally:
            if durable:
                conn.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.OperationalError as exc:
        if result_code(exc) in _NOT_STORED:
            raise NotStored(_not_stored_text(exc)) from exc
        raise


_NOT_STORED = (sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN)


def _not_stored_text(exc: sqlite3.OperationalError) -> str:
    if result_code(exc) == sqlite3.SQLITE_FULL:
        return "the disk is full"
    if result_code(exc) == sqlite3.SQLITE_READONLY:
        return "the database file is read-only"
    return f"the database could not be written ({exc})"
