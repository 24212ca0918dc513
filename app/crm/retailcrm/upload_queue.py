"""Calls waiting to go into a CRM's call history (retailCRM's `telephony/calls/upload`), in SQLite.

A call is written here first and deleted once the CRM has it, so a CRM outage or a crash only
delays it: whatever is left is sent later, in batches. The table lives in Ringside's own database
file (a connection of its own, opened like storage.db's); `":memory:"` gives a queue that lasts the
process.
Uploads are idempotent on their key (retailCRM's `externalId`), so sending one twice is harmless.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.storage.schema import open_database

PENDING, REFUSED = "pending", "refused"


@dataclass(frozen=True)
class QueuedCall:
    account_id: str
    external_id: str
    body: dict[str, Any]
    attempts: int
    last_error: str


class UploadQueue:
    def __init__(self, path: Path | str = ":memory:") -> None:
        # The runtime's Database has opened (and if need be recovered) the file already; the table is
        # versioned with the rest of the file (storage.schema).
        self._conn = open_database(path, recover=False).conn
        self._lock = threading.Lock()  # one connection, shared by the loop and the odd worker thread

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def add(self, account_id: str, external_id: str, body: dict[str, Any]) -> None:
        """Queue a call; queuing the same call again replaces what was queued (never duplicates)."""
        with self._lock:
            self._conn.execute(
                """INSERT INTO call_uploads (account_id, external_id, body, created_at) VALUES (?,?,?,?)
                   ON CONFLICT(account_id, external_id) DO UPDATE SET body=excluded.body, status='pending'""",
                (account_id, external_id, json.dumps(body), time.time()))

    def pending(self, account_id: str, limit: int) -> list[QueuedCall]:
        """The oldest calls still to send, at most `limit`."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM call_uploads WHERE account_id=? AND status=? ORDER BY created_at, rowid LIMIT ?",
                (account_id, PENDING, limit)).fetchall()
        return [QueuedCall(r[0], r[1], json.loads(r[2]), r[4], r[5]) for r in rows]

    def count(self, account_id: str, status: str = PENDING) -> int:
        with self._lock:
            row = self._conn.execute("SELECT COUNT(*) FROM call_uploads WHERE account_id=? AND status=?",
                                     (account_id, status)).fetchone()
        return int(row[0])

    def done(self, account_id: str, external_ids: list[str]) -> None:
        """The CRM has these calls (processed now, or duplicates of ones it had)."""
        with self._lock:
            self._conn.executemany("DELETE FROM call_uploads WHERE account_id=? AND external_id=?",
                                   [(account_id, e) for e in external_ids])

    def failed(self, account_id: str, external_ids: list[str], error: str) -> None:
        """An attempt failed in a way worth retrying; the calls stay queued."""
        with self._lock:
            self._conn.executemany(
                "UPDATE call_uploads SET attempts=attempts+1, last_error=? WHERE account_id=? AND external_id=?",
                [(error, account_id, e) for e in external_ids])

    def refused(self, account_id: str, external_id: str, error: str) -> None:
        """The CRM refused this call itself: kept in the table for inspection, never resent."""
        with self._lock:
            self._conn.execute(
                "UPDATE call_uploads SET status=?, attempts=attempts+1, last_error=? "
                "WHERE account_id=? AND external_id=?", (REFUSED, error, account_id, external_id))
