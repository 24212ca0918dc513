"""One thread that writes to the database with a connection of its own, so the event loop does not wait
on the disk for the writes queued here (calls, note deliveries): a write is queued and its Future
completes once it is committed (or fails with what the write raised, `NotStored` among it). Writes are
done one at a time in the order they were queued, so the rows of one call are never written out of
order.

The loop's own connection still reads (WAL lets it read while this one writes); a read that must see
what was just queued waits for the queue to drain first (`settle`), which takes no longer than the
writes themselves.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from app.storage.sqlite_file import BUSY_MS, NotStored

T = TypeVar("T")
_Job = tuple[Callable[[sqlite3.Connection], Any], Future[Any]]


class Writer:
    def __init__(self, path: Path | str) -> None:
        self._path = path
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._idle = threading.Condition()
        self._queued = 0  # jobs queued and not yet finished
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, write: Callable[[sqlite3.Connection], T]) -> Future[T]:
        """Queue `write(connection)`; the Future holds its result once it has returned (committed)."""
        future: Future[T] = Future()
        with self._idle:
            if self._closed:
                raise RuntimeError("the database is closed")
            self._queued += 1
            if self._thread is None:  # started at the first write: read-only commands never start it
                self._thread = threading.Thread(target=self._run, name="ringside-db-writer", daemon=True)
                self._thread.start()
        self._jobs.put((write, future))
        return future

    def settle(self) -> None:
        """Wait until every write queued so far is done."""
        with self._idle:
            self._idle.wait_for(lambda: self._queued == 0)

    def close(self) -> None:
        """Finish the queued writes, then stop the thread and close its connection."""
        with self._idle:
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._jobs.put(None)
            thread.join()

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        failure: BaseException | None = None
        try:
            conn = sqlite3.connect(str(self._path), isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
            conn.execute("PRAGMA synchronous=NORMAL")  # the file is already in WAL mode (sqlite_file)
        except sqlite3.Error as exc:  # every write fails with it, rather than waiting forever
            failure = NotStored(f"the database could not be opened for writing ({exc})")
        try:
            while (job := self._jobs.get()) is not None:
                write, future = job
                if future.set_running_or_notify_cancel():
                    try:
                        if conn is None:
                            raise failure or NotStored("the database could not be opened for writing")
                        future.set_result(write(conn))
                    except BaseException as exc:  # handed to whoever waits on the Future
                        future.set_exception(exc)
                with self._idle:
                    self._queued -= 1
                    self._idle.notify_all()
        finally:
            if conn is not None:
                conn.close()
