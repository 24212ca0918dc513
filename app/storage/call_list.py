"""Read-only: the calls Ringside's history holds for one number (FixDigital's "call list").

A connection of its own on the database file (storage.db writes the `calls` table); the callback
server asks it, so the database itself is never opened to the network.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

MAX_ROWS = 500


@dataclass(frozen=True)
class PastCall:
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    inbound: bool

    @property
    def talk_s(self) -> int:
        if self.answered_at is None or self.ended_at is None:
            return 0
        return max(0, round((self.ended_at - self.answered_at).total_seconds()))


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class CallList:
    def __init__(self, path: Path | str) -> None:
        self._path = str(path)
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def calls_with(self, e164: str, limit: int = MAX_ROWS) -> list[PastCall]:
        """Calls with `e164`, newest first. [] when there is no history yet."""
        with self._lock:
            if self._conn is None:
                self._conn = sqlite3.connect(self._path, check_same_thread=False)
                self._conn.execute("PRAGMA busy_timeout=5000")
            try:
                rows = self._conn.execute(
                    "SELECT started_at, answered_at, ended_at, direction FROM calls WHERE e164 = ? "
                    "ORDER BY started_at DESC LIMIT ?", (e164, max(1, min(limit, MAX_ROWS)))).fetchall()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):
                    return []
                raise
        return [PastCall(started_at=datetime.fromisoformat(r[0]), answered_at=_dt(r[1]), ended_at=_dt(r[2]),
                         inbound=r[3] == "inbound") for r in rows]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
