"""The lookup cache's table: what each account last said about each number, in the history file.

Rows hold the account's whole answer (records and open jobs) as JSON with the time it was stored;
what counts as fresh is decided by `app.core.cache.LookupCache`.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from app.storage.sqlite_file import transaction


class CacheStore:
    """On a connection to Ringside's database (`Database.connection`), which has the table (schema.py)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, account_id: str, e164: str) -> tuple[str, str, float] | None:
        """(status, result JSON, stored_at) or None."""
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
        return int(self._conn.execute("SELECT COUNT(*) FROM lookup_cache").fetchone()[0])
