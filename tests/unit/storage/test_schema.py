"""Schema versions and migrations, on a database the first release wrote (data/first_release.sqlite3,
made by data/make_first_release_db.py running the first release's own code)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.core.models import Direction, NoteDraft, NoteStatus, Record, RecordType
from app.crm.retailcrm.upload_queue import UploadQueue
from app.storage import schema
from app.storage.cache_db import CacheStore
from app.storage.db import Database, DatabaseUnreadable
from app.storage.schema import DatabaseTooNew, current, migrate, open_database, run_script, version_of

FIRST_RELEASE = Path(__file__).parent / "data" / "first_release.sqlite3"


@pytest.fixture
def first_release(tmp_path: Path) -> Path:
    path = tmp_path / "ringside.sqlite3"
    shutil.copyfile(FIRST_RELEASE, path)
    return path


def layout(path: Path) -> list[tuple[str, str, str]]:
    """Every table, index and column, as SQLite describes them."""
    with sqlite3.connect(path) as conn:
        objects = conn.execute(
            "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
        columns = [(table, *map(str, col)) for (_, table, _) in objects if _ == "table"
                   for col in conn.execute(f"PRAGMA table_info({table})")]
    return sorted(objects) + sorted(columns)  # type: ignore[return-value]


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [*conn.iterdump(), f"user_version={version_of(conn)}"]
    finally:
        conn.close()


def test_the_fixture_is_an_unversioned_first_release_file(first_release: Path) -> None:
    conn = sqlite3.connect(first_release)  # a copy: even reading a WAL file leaves -shm beside it
    try:
        assert version_of(conn) == 0
        assert conn.execute("SELECT COUNT(*) FROM calls").fetchone()[0] == 4
    finally:
        conn.close()


def test_a_first_release_database_keeps_every_call_and_note(first_release: Path) -> None:
    db = Database(first_release)
    try:
        assert version_of(db.connection) == current()
        calls = {c.call_id: c for c in db.recent_calls(50)}
        assert set(calls) == {"call-answered", "call-missed", "call-dismissed", "call-outbound"}
        answered = calls["call-answered"]
        assert answered.matches[0]["name"] == "Priya Raman" and answered.timings["lookup_ms"]["rw"] == 180.2
        assert answered.answered_at is not None and answered.ended_at is not None
        assert [(n["status"], n["text"]) for n in answered.notes] == [("logged", "Wants Friday shifts.")]
        assert [(n["status"], n["error"]) for n in calls["call-outbound"].notes] == [
            ("failed", "HTTP 403: not allowed")]
        assert [n.draft.text for n in db.pending_notes()] == ["Call back after 3."]
        assert db.note_for("call-answered", answered.notes[0]["record_key"]).status is NoteStatus.LOGGED  # type: ignore[union-attr]
        assert db.attention_count() == 1
        # The dismissed missed call stays off the callback list, the other missed call is on it
        # (it is older than the callback window by now, so ask the table directly).
        dismissed = db.connection.execute(
            "SELECT call_id FROM calls WHERE callback_dismissed_at IS NOT NULL").fetchall()
        assert [r[0] for r in dismissed] == ["call-dismissed"]
        assert CacheStore(db.connection).get("rw", "+61491570006") is not None
    finally:
        db.close()
    queue = UploadQueue(first_release)
    try:
        assert [q.external_id for q in queue.pending("rc", 10)] == ["call-answered"]
    finally:
        queue.close()


def test_a_migrated_first_release_file_has_the_same_schema_as_a_new_one(first_release: Path, tmp_path: Path) -> None:
    Database(first_release).close()
    fresh = tmp_path / "fresh.sqlite3"
    Database(fresh).close()
    assert layout(first_release) == layout(fresh)


def test_a_second_open_changes_nothing(first_release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Database(first_release).close()
    before = dump(first_release)
    ran: list[int] = []
    monkeypatch.setattr(schema, "MIGRATIONS", [lambda conn: ran.append(1) for _ in schema.MIGRATIONS])
    db = Database(first_release)
    assert db.connection.total_changes == 0
    db.close()
    assert ran == [] and dump(first_release) == before


def test_a_pre_release_file_gains_the_columns_and_the_version(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:  # a build before the first release: calls without dismissal
        conn.execute("CREATE TABLE calls (call_id TEXT PRIMARY KEY, number TEXT NOT NULL, e164 TEXT, "
                     "direction TEXT NOT NULL, state TEXT NOT NULL, source TEXT NOT NULL, started_at TEXT NOT NULL, "
                     "answered_at TEXT, ended_at TEXT, matches TEXT NOT NULL DEFAULT '[]', "
                     "timings TEXT NOT NULL DEFAULT '{}')")
        conn.execute("INSERT INTO calls (call_id, number, direction, state, source, started_at) "
                     "VALUES ('old', '0491570006', 'inbound', 'missed', 'webhook', '2026-01-01T00:00:00+00:00')")
    conn.close()
    db = Database(path)
    try:
        assert version_of(db.connection) == current()
        assert [c.call_id for c in db.recent_calls()] == ["old"]
        assert db.dismiss_callback("0491570006") == 1
    finally:
        db.close()


def test_a_newer_database_is_refused_clearly_and_left_alone(first_release: Path) -> None:
    Database(first_release).close()
    with sqlite3.connect(first_release) as conn:
        conn.execute(f"PRAGMA user_version={current() + 1}")
    conn.close()
    before = first_release.read_bytes()
    for recover in (True, False):
        with pytest.raises(DatabaseTooNew, match=r"newer Ringside \(schema version \d+; this one knows up to \d+\)"):
            Database(first_release, recover=recover)
    assert issubclass(DatabaseTooNew, DatabaseUnreadable)  # the CLI reports it like an unreadable file
    assert first_release.read_bytes() == before
    assert not list(first_release.parent.glob("*.unreadable-*"))


def test_a_new_migration_is_one_function_run_once_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "db.sqlite3"
    Database(path).close()

    def v3_tags(conn: sqlite3.Connection) -> None:
        run_script(conn, """
            CREATE TABLE tags (call_id TEXT PRIMARY KEY, text TEXT NOT NULL);
            CREATE TRIGGER tags_gone AFTER DELETE ON calls BEGIN
                DELETE FROM tags WHERE call_id = old.call_id;
            END;""")

    released = current()  # the versions this code has; the new one comes after them
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, v3_tags])
    db = Database(path)
    assert version_of(db.connection) == current() == released + 1
    db.connection.execute("INSERT INTO tags VALUES ('c', 'hello')")
    db.close()
    Database(path).close()  # already at the new version: not run again (it would fail on the existing table)


def test_a_failing_migration_leaves_the_file_at_its_old_version(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "db.sqlite3"
    Database(path).close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("disk on fire")

    released = current()
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, broken])
    with pytest.raises(RuntimeError, match="disk on fire"):
        open_database(path, recover=False)
    conn = sqlite3.connect(path)
    try:
        assert version_of(conn) == released
        assert conn.execute("SELECT name FROM sqlite_master WHERE name='half_done'").fetchone() is None
    finally:
        conn.close()


def test_migrate_reports_the_version_it_found() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        assert migrate(conn) == 0
        assert migrate(conn) == current()
    finally:
        conn.close()


def test_an_incomplete_statement_is_an_error() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        with pytest.raises(ValueError, match="Incomplete"):
            run_script(conn, "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1;")
    finally:
        conn.close()


def test_a_version_3_file_with_calls_migrates_and_is_searchable(tmp_path: Path) -> None:
    path = tmp_path / "ringside.sqlite3"
    conn = sqlite3.connect(path)
    with conn:
        for step in schema.MIGRATIONS[:3]:
            step(conn)
        conn.execute("PRAGMA user_version=3")
        conn.execute(
            "INSERT INTO calls (call_id, number, e164, direction, state, source, started_at, matches) VALUES "
            "('old', '0491 570 006', '+61491570006', 'inbound', 'ended', 'test', '2024-01-02T03:04:05+00:00', ?)",
            ('[{"account": "rw", "type": "contact", "id": "1", "name": "Priya Raman", "company": "Northwind"}]',))
        conn.execute(
            "INSERT INTO calls (call_id, number, direction, state, source, started_at, matches) VALUES "
            "('odd', 'anonymous', 'inbound', 'missed', 'test', '2024-01-02T03:05:05+00:00', 'not json')")
        conn.execute(
            "INSERT INTO notes (call_id, account_id, record_key, draft, status, created_at) VALUES "
            "('old', 'rw', 'rw:contact:1', ?, 'logged', '2024-01-02T03:10:00+00:00')",
            (NoteDraft(call_id="old", account_id="rw", direction=Direction.INBOUND, text="Wants Friday shifts.",
                       record=Record(account_id="rw", type=RecordType.CONTACT, id="1", name="Priya Raman"),
                       call_started_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), duration_s=60).model_dump_json(),))
    conn.close()
    db = Database(path)
    try:
        assert version_of(db.connection) == current() >= 4
        for text in ("priya", "northwind", "friday shifts", "0491 570", "+61 491"):
            assert [c.call_id for c in db.search_calls(text)] == ["old"], text
        # A call whose matches are not JSON (edited by hand) is still indexed by its number.
        assert db.connection.execute(
            "SELECT c.call_id FROM calls_search s JOIN calls c ON c.rowid = s.rowid "
            "WHERE calls_search MATCH '\"anonym\"'").fetchone()[0] == "odd"
    finally:
        db.close()
