"""Opening the database: damage is told from a lock, and a write that can't commit says so."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest

from app.errors import NotStored
from app.storage.db import Database, DatabaseUnreadable
from app.storage.sqlite_file import still_damaged, transaction

GARBAGE = b"This is not a database. " * 400


def test_a_locked_database_is_waited_for_and_never_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "ringside.sqlite3"
    Database(path).close()  # a sound file, at the current schema
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA journal_mode=DELETE")  # rollback journal: an exclusive lock bars readers too
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO calls (call_id, number, direction, state, source, started_at) "
                   "VALUES ('held', '1', 'inbound', 'ended', 'test', '2024-01-01')")
    said: list[str] = []
    waiting = threading.Event()

    def on_wait(message: str) -> None:
        said.append(message)
        waiting.set()

    opened: list[Database] = []
    from app.storage import schema
    from app.storage.sqlite_file import open_connection

    def open_it() -> None:
        conn = open_connection(path, recover=True, prepare=schema.migrate, on_wait=on_wait).conn
        conn.close()
        opened.append(Database(path))

    thread = threading.Thread(target=open_it)
    thread.start()
    assert waiting.wait(30), "opening never said it was waiting"
    holder.execute("COMMIT")
    holder.close()
    thread.join(30)
    assert said == [f"The Ringside database {path} is locked by another program; waiting"]
    (db,) = opened
    assert db.moved_aside is None and not list(tmp_path.glob("*.unreadable-*"))
    assert [c.call_id for c in db.recent_calls()] == ["held"]  # nothing was lost
    db.close()


def test_damage_is_checked_again_before_anything_is_moved(tmp_path: Path) -> None:
    sound = tmp_path / "sound.sqlite3"
    Database(sound).close()
    assert not still_damaged(sound)
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(GARBAGE)
    assert still_damaged(bad)


def test_a_file_that_cannot_be_opened_is_reported_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder-not-a-file.sqlite3"
    folder.mkdir()
    with pytest.raises(DatabaseUnreadable, match="can't be opened"):
        Database(folder)
    assert folder.is_dir() and not list(tmp_path.glob("*.unreadable-*"))


def test_a_full_disk_raises_not_stored_and_leaves_nothing_half_written(tmp_path: Path) -> None:
    db = Database(tmp_path / "ringside.sqlite3")
    conn = db.connection
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages}")  # SQLite now answers SQLITE_FULL to any growth

    def fill() -> None:
        with transaction(conn) as tx:
            for n in range(200):
                tx.execute("INSERT INTO lookup_cache VALUES (?,?,?,?,?)", ("a", f"+61{n}", "ok", "x" * 4000, 0.0))

    with pytest.raises(NotStored, match="the disk is full"):
        fill()
    assert not conn.in_transaction
    assert db.connection.execute("SELECT COUNT(*) FROM lookup_cache").fetchone()[0] == 0
    db.close()


def test_a_large_file_is_checked_whole_once_a_day_and_damage_found_then_is_moved_aside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.integration.test_storage_salvage import fill_and_damage_calls

    monkeypatch.setattr("app.storage.sqlite_file.CHECK_ALWAYS_BYTES", 0)  # every file counts as large
    path = tmp_path / "ringside.sqlite3"
    Database(path).close()
    stamp = tmp_path / "ringside.sqlite3-checked"
    assert stamp.exists()  # it passed its check just now
    fill_and_damage_calls(path)  # pages of the calls table overwritten: only the whole-file check sees it
    stamp.touch()
    db = Database(path)  # checked less than a day ago: opened without reading every page
    assert db.moved_aside is None
    db.close()
    old = stamp.stat().st_mtime - 2 * 24 * 3600
    os.utime(stamp, (old, old))
    db = Database(path)  # a day on: the check runs, finds the damage, and the file is moved aside
    assert db.moved_aside is not None and (db.moved_aside.parent / (db.moved_aside.name + "-checked")).exists()
    db.close()
