"""The lookup cache's table: with the database's writer, entries are written on its thread; a read
takes what is committed without waiting for them (LookupCache holds the rest), except on a file
without WAL, where it waits for the writes queued before it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import app.storage.cache_db as cache_db
from app.storage.cache_db import CacheStore
from app.storage.db import Database


def test_cache_writes_go_to_the_writer_thread_and_a_read_does_not_wait_for_them(tmp_path: Path) -> None:
    db = Database(tmp_path / "r.db")
    store = CacheStore(db.connection, db.writer)
    gate = threading.Event()
    threads: list[str] = []
    db.writer.submit(lambda _conn: gate.wait(5))  # the writer is busy: the put waits its turn

    def put(cache: CacheStore) -> None:
        threads.append(threading.current_thread().name)
        cache.put("rw", "+61491570006", "found", "{}", 1.0)

    written = store.off_loop(put)
    assert store.get("rw", "+61491570006") is None  # what is committed, at once (LookupCache holds the rest)
    gate.set()
    written.result(5)
    assert store.get("rw", "+61491570006") == ("found", "{}", 1.0)
    assert threads == ["ringside-db-writer"]
    assert store.off_loop(lambda cache: cache.delete(account_id="rw")).result(5) == 1
    assert store.count() == 0
    db.close()


def test_without_a_writer_the_cache_is_written_at_once(tmp_path: Path) -> None:
    db = Database(tmp_path / "r.db")
    store = CacheStore(db.connection)
    done = store.off_loop(lambda cache: cache.put("rw", "+61491570006", "found", "{}", 1.0))
    assert done.done() and store.count() == 1
    db.close()


def test_on_a_file_refused_wal_a_read_waits_for_the_queued_writes(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_db, "in_wal", lambda conn: False)  # a network share that refuses WAL
    db = Database(tmp_path / "r.db")
    store = CacheStore(db.connection, db.writer)
    disk = threading.Event()
    slow = db.writer.submit(lambda _conn: disk.wait(5))
    store.off_loop(lambda cache: cache.put("rw", "+61491570006", "found", "{}", 1.0))
    threading.Timer(0.05, disk.set).start()  # the disk takes the writes a moment later
    assert store.get("rw", "+61491570006") == ("found", "{}", 1.0) and slow.done()
    db.close()
