"""The lookup cache's table: what each account last said about each number, in the history file.

Rows hold the account's whole answer (records and open jobs) as JSON with the time it was stored;
what counts as fresh is decided by `app.core.cache.LookupCache`. Given the database's writer
(the running app), `off_loop` runs the cache's writes on its thread; `count` waits for them, `get`
(read at every ring) does not.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from app.core.stores import run_now
from app.storage.sqlite_file import in_wal, transaction
from app.storage.writer import Writer

T = TypeVar("T")


class CacheStore:
    """On a connection to Ringside's database (`Database.connection`), which has the table (schema.py),
    and that database's writer, when writes are to leave the event loop (`Database.writer`)."""

    def __init__(self, conn: sqlite3.Connection, writer: Writer | None = None) -> None:
        self._conn = conn
        self._writer = writer
        # Without WAL, a read waits on SQLite's lock for a write in progress: then it waits for the queue.
        self._before_reading = writer.settle if writer is not None and not in_wal(conn) else None

    def off_loop(self, write: Callable[[CacheStore], T]) -> Future[T]:
        """Run `write` against the cache on the writer thread, in the order queued (without a writer:
        here and now); the Future holds what it returned or raised."""
        if self._writer is not None:
            return self._writer.submit(lambda conn: write(CacheStore(conn)))
        return run_now(self, write)

    def get(self, account_id: str, e164: str) -> tuple[str, str, float] | None:
        """(status, result JSON, stored_at) or None: what is committed, without waiting for the writes
        queued (a ring reads it before its first paint, and must not wait on the disk behind a purge
        or a burst of writes; an answer still being written is, at worst, asked for again)."""
        if self._before_reading is not None:
            self._before_reading()
        row = self._conn.execute(
            "SELECT status, result, stored_at FROM lookup_cache WHERE account_id=? AND e164=?",
            (account_id, e164)).fetchone()
        return (row["status"], row["result"], row["stored_at"]) if row is not None else None

    def put(self, account_id: str, e164: str, status: str, result: str, stored_at: float) -> None:
        with transaction(self._conn) as conn:
            conn.execute(
                "INSERT INTO lookup_cache VALUES (?,?,?,?,?) ON CONFLICT(account_id, e164) DO UPDATE SET "
                "status=excluded.status, result=excluded.result, stored_at=excluded.stored_at",
                (account_id, e164, status, result, stored_at))

    def delete(self, account_id: str | None = None, e164: str | None = None,
               older_than: float | None = None) -> int:
        """Remove entries matching every condition given (none: everything). Returns how many."""
        where: list[str] = []
        args: list[Any] = []
        for column, value in (("account_id", account_id), ("e164", e164)):
            if value is not None:
                where.append(f"{column}=?")
                args.append(value)
        if older_than is not None:
            where.append("stored_at<?")
            args.append(older_than)
        sql = "DELETE FROM lookup_cache" + (f" WHERE {' AND '.join(where)}" if where else "")
        with transaction(self._conn) as conn:
            return conn.execute(sql, args).rowcount

    def count(self) -> int:
        if self._writer is not None:
            self._writer.settle()
        return int(self._conn.execute("SELECT COUNT(*) FROM lookup_cache").fetchone()[0])
