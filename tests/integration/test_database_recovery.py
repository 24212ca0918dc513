"""The database against what happens to desktop apps: a killed instance, a damaged file. Real
`ringside` processes (offscreen Qt) on the test's own home."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import paths
from app.core.models import EventType
from app.runtime.runtime import Runtime
from app.storage.db import Database, DatabaseUnreadable
from tests.conftest import RwEnv
from tests.integration.test_call_flow import Recorder, event
from tests.support import wait_until

GARBAGE = b"This is not a database. " * 400


def ringside(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=timeout)


class Instance:
    """A running `ringside` (the tray app, offscreen); its output is collected as it comes."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "app"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL, text=True,
                                     env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        self.err: list[str] = []
        assert self.proc.stderr is not None
        threading.Thread(target=lambda: self.err.extend(self.proc.stderr or []), daemon=True).start()

    def wait_ready(self) -> str:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:  # blocks until the app says something (or exits)
            if line.startswith(("Ringside is ready", "Ringside is already running")):
                return line
        raise AssertionError(f"ringside exited ({self.proc.wait(5)}) without starting: {''.join(self.err)}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(15)


@pytest.fixture
def instances() -> Iterator[list[Instance]]:
    started: list[Instance] = []
    yield started
    for instance in started:
        instance.stop()


@pytest.mark.slow
def test_a_killed_instance_leaves_nothing_that_blocks_the_next_start(instances: list[Instance]) -> None:
    first = Instance()
    instances.append(first)
    assert first.wait_ready().startswith("Ringside is ready")
    assert ringside("event", "ring", "--number", "0491 570 006", "--call-id", "before-kill").returncode == 0
    assert ringside("event", "hangup", "--number", "0491 570 006", "--call-id", "before-kill").returncode == 0
    assert ringside("event", "ring", "--number", "0491 570 007", "--call-id", "ringing-at-kill").returncode == 0
    home = paths.resolve()
    assert json.loads(home.instance_file.read_text())["pid"] == first.proc.pid

    os.kill(first.proc.pid, signal.SIGKILL)  # no clean-up at all: instance.json, -wal and -shm stay
    first.proc.wait(10)
    assert home.instance_file.exists()

    second = Instance()
    instances.append(second)
    assert second.wait_ready().startswith("Ringside is ready")  # not "already running"
    assert json.loads(home.instance_file.read_text())["pid"] == second.proc.pid

    def states() -> dict[str, str]:
        return {c["call_id"]: c["state"] for c in json.loads(ringside("history", "--json").stdout)["calls"]}

    # The killed run's history survived, and the call still ringing then is closed (not ringing forever).
    wait_until(lambda: states() == {"before-kill": "missed", "ringing-at-kill": "ended"}, 20,
               "the call ringing at the kill to be closed")
    # …and it is the one running instance: a third `ringside` hands over to it and exits.
    third = ringside()
    assert (third.returncode, third.stdout.strip()) == (0, "Ringside is already running; brought it to the front.")


def test_a_damaged_database_is_moved_aside_and_the_app_starts(instances: list[Instance]) -> None:
    home = paths.resolve()
    home.ensure()
    home.database.write_bytes(GARBAGE)
    app = Instance()
    instances.append(app)
    assert app.wait_ready().startswith("Ringside is ready")
    (aside,) = home.data_dir.glob("ringside.sqlite3.unreadable-*")
    assert aside.read_bytes() == GARBAGE  # kept, for whoever wants to look at it
    assert ringside("event", "ring", "--number", "0491 570 006").returncode == 0  # and it works
    assert len(json.loads(ringside("history", "--json").stdout)["calls"]) == 1
    app.stop()
    assert any("moved aside" in line for line in app.err), app.err


def test_the_history_command_reports_a_damaged_database_without_touching_it() -> None:
    home = paths.resolve()
    home.ensure()
    home.database.write_bytes(GARBAGE)
    done = ringside("history")
    assert done.returncode == 1
    assert "can't be read" in done.stderr and str(home.database) in done.stderr
    assert home.database.read_bytes() == GARBAGE
    assert not list(home.data_dir.glob("*.unreadable-*"))


def test_an_unreadable_file_raises_only_when_asked_not_to_recover(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    path.write_bytes(GARBAGE)
    with pytest.raises(DatabaseUnreadable, match="not a database"):
        Database(path, recover=False)
    db = Database(path)
    assert db.moved_aside is not None and db.moved_aside.read_bytes() == GARBAGE
    assert db.recent_calls() == []
    db.close()


async def test_the_runtime_says_where_the_damaged_database_went(rw_env: RwEnv) -> None:
    home = paths.resolve()
    home.ensure()
    home.database.write_bytes(GARBAGE)
    rec = Recorder()
    rt = Runtime(paths=home, settings=rw_env.settings(), listener=rec, secrets=rw_env.secrets)
    await rt.start()
    try:
        ((text, error),) = rec.messages
        assert error and "could not be read, so it was moved aside to" in text and ".unreadable-" in text
        rt.switchboard.handle(event(EventType.RING, call_id="fresh"))
        await rec.view(lambda v: v.complete)
        assert [c.call_id for c in rt.db.recent_calls()] == ["fresh"]
    finally:
        await rt.stop()


def test_an_older_database_gains_the_new_columns(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:  # the first release's tables, with a note in them
        conn.executescript("""
            CREATE TABLE calls (call_id TEXT PRIMARY KEY, number TEXT NOT NULL, e164 TEXT, direction TEXT NOT NULL,
              state TEXT NOT NULL, source TEXT NOT NULL, started_at TEXT NOT NULL, answered_at TEXT, ended_at TEXT,
              matches TEXT NOT NULL DEFAULT '[]', timings TEXT NOT NULL DEFAULT '{}');
            CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, call_id TEXT NOT NULL,
              account_id TEXT NOT NULL, record_key TEXT NOT NULL, draft TEXT NOT NULL, status TEXT NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL DEFAULT 0,
              last_error TEXT NOT NULL DEFAULT '', remote_id TEXT, created_at TEXT NOT NULL, logged_at TEXT,
              UNIQUE (call_id, record_key));""")
    db = Database(path)
    assert db.attention_count() == 0 and db.interrupted_notes() == [] and db.missed_callbacks() == []
    db.close()
