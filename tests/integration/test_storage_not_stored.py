"""Nothing answers "ok" for a call that was not stored: the card pops, the recruiter is told, the
webhook and the instance door answer 503 "shown, not stored", `ringside event` exits non-zero.

The database is made read-only through SQLite itself (`PRAGMA query_only` on both its connections, the
loop's and the call writer's: every write fails with SQLITE_READONLY, as on a read-only file; file modes
can't do it where tests run as root). A full disk
(SQLITE_FULL) takes the same path: tests/unit/storage/test_sqlite_file.py makes one with
`PRAGMA max_page_count`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from app.config import paths
from app.runtime.runtime import Runtime
from app.telephony.webhook import load_or_create_token
from tests.conftest import RwEnv
from tests.integration.conftest import closed_port
from tests.integration.test_call_flow import PRIYA, Recorder
from tests.integration.test_database_recovery import ringside
from tests.integration.test_webhook import webhook_settings


def make_read_only(rt: Runtime) -> None:
    rt.db.connection.execute("PRAGMA query_only=ON")
    rt.db.writer.submit(lambda conn: conn.execute("PRAGMA query_only=ON")).result()  # calls are written there


@pytest.fixture
async def read_only(rw_env: RwEnv) -> AsyncIterator[tuple[Runtime, Recorder, int]]:
    port = closed_port()
    rec = Recorder()
    rt = Runtime(paths=paths.resolve(), settings=webhook_settings(rw_env, port), listener=rec,
                 secrets=rw_env.secrets)
    await rt.start()
    make_read_only(rt)
    yield rt, rec, port
    await rt.stop()


async def test_the_webhook_answers_503_shown_not_stored_and_the_card_still_pops(
        read_only: tuple[Runtime, Recorder, int]) -> None:
    rt, rec, port = read_only
    token = load_or_create_token(paths.resolve().data_dir)
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.post(f"http://127.0.0.1:{port}/v1/events", json={"type": "ring", "number": PRIYA},
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert response.json() == {"ok": False, "error": "shown, not stored: the database file is read-only"}
    view = await rec.view(lambda v: v.complete)  # the recruiter still sees who is calling
    assert view.matches and view.matches[0].name == "Priya Raman"
    assert any("could not be saved" in text and error for text, error in rec.messages)
    assert rt.db.recent_calls() == []


async def test_the_cli_event_exits_non_zero_with_shown_not_stored(read_only: tuple[Runtime, Recorder, int]) -> None:
    rt, rec, _ = read_only
    done = await asyncio.to_thread(ringside, "event", "ring", "--number", PRIYA, "--call-id", "unsaved")
    assert done.returncode == 1
    assert "shown, not stored: the database file is read-only" in done.stderr
    await rec.view(lambda v: v.call_id == "unsaved")
    assert rt.db.call("unsaved") is None
