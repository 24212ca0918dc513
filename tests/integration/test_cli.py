"""The `ringside` command as a user (or a softphone hook) runs it: real subprocesses."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import keyring
import pytest

from app.config import paths, settings
from app.core.views import CallState
from app.runtime.runtime import Runtime
from app.storage.secrets import KeyringSecrets
from tests.conftest import RwEnv
from tests.integration.test_call_flow import Recorder

RINGSIDE = [sys.executable, "-m", "app"]


async def ringside(*args: str, stdin: str = "") -> tuple[int, str, str]:
    """Run `ringside ARGS` without blocking the loop the instance under test runs on."""
    proc = await asyncio.create_subprocess_exec(
        *RINGSIDE, *args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=os.environ.copy())
    out, err = await asyncio.wait_for(proc.communicate(stdin.encode()), 30)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


@pytest.fixture
async def running(rw_env: RwEnv) -> AsyncIterator[tuple[Runtime, Recorder]]:
    recorder = Recorder()
    rt = Runtime(paths=paths.resolve(), settings=rw_env.settings(), listener=recorder, secrets=rw_env.secrets)
    await rt.start()
    yield rt, recorder
    await rt.stop()


async def test_event_commands_drive_a_call_in_the_running_instance(running: tuple[Runtime, Recorder]) -> None:
    _, rec = running
    code, out, err = await ringside("event", "ring", "--number", "0491 570 006")
    assert (code, err) == (0, "")
    assert "sent ring" in out
    view = await rec.view(lambda v: v.complete)
    assert view.matches[0].name == "Priya Raman"
    assert (await ringside("event", "answer", "--number", "0491570006"))[0] == 0
    assert (await ringside("event", "hangup", "--number", "+61491570006"))[0] == 0
    assert [v.state for v in rec.note_requests] == [CallState.ENDED]
    assert rec.note_requests[0].call_id == view.call_id


async def test_event_with_call_ids_and_outbound_direction(running: tuple[Runtime, Recorder]) -> None:
    _, rec = running
    code, _, _ = await ringside("event", "ring", "--number", "+61491571266", "--direction", "outbound",
                                "--call-id", "abc-1")
    assert code == 0
    view = await rec.view(lambda v: v.call_id == "abc-1")
    assert view.direction.value == "outbound"


async def test_bad_number_is_refused_with_a_message(running: tuple[Runtime, Recorder]) -> None:
    _, rec = running
    code, _, err = await ringside("event", "ring", "--number", "abc")
    assert code != 0
    assert "not a phone number" in err
    assert rec.views == []


async def test_bad_arguments_exit_non_zero() -> None:
    code, _, err = await ringside("event", "ringing", "--number", "0412345678")
    assert code == 2 and "invalid choice" in err


async def test_event_without_a_running_instance_says_so() -> None:
    code, _, err = await ringside("event", "ring", "--number", "0412345678")
    assert code != 0
    assert "Ringside is not running" in err


async def test_account_connect_signs_in_and_stores_tokens_in_the_keyring(rw_env: RwEnv) -> None:
    home = paths.resolve()
    settings.save(home.config_file, settings.Settings(accounts=[rw_env.account]))
    proc = await asyncio.create_subprocess_exec(
        *RINGSIDE, "account", "connect", "rw", "--no-browser", stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())
    assert proc.stdin and proc.stdout
    proc.stdin.write(b"s3cret-client-value\n")
    await proc.stdin.drain()
    # The URL comes on a line of its own; a "browser" follows it to the loopback redirect.
    while True:
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode().strip()
        assert line, "ringside exited before printing the sign-in address"
        if line.startswith("http"):
            break
    async with httpx.AsyncClient(follow_redirects=True) as browser:
        page = await browser.get(line)
    assert "connected" in page.text
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert "Signed in" in out.decode()

    stored = KeyringSecrets(backend=keyring.core.load_keyring(os.environ["PYTHON_KEYRING_BACKEND"]))
    tokens = json.loads(stored.get("rw", "tokens") or "{}")
    assert tokens.get("access_token") and tokens.get("refresh_token")
    # Nothing secret leaked into the files Ringside wrote.
    for path in Path(home.config_dir).rglob("*"):
        if path.is_file():
            text = path.read_text(errors="ignore")
            assert tokens["access_token"] not in text and "s3cret-client-value" not in text


async def test_account_connect_for_an_unknown_account_fails_clearly() -> None:
    code, _, err = await ringside("account", "connect", "nope")
    assert code == 1 and "No account 'nope'" in err


async def test_history_lists_calls_with_matches_and_timings(running: tuple[Runtime, Recorder]) -> None:
    rt, rec = running
    rt.controls.simulate_call("0491570006")
    view = await rec.view(lambda v: v.complete)
    rt.controls.card_shown(view.call_id)
    code, out, _ = await ringside("history", "--json")
    assert code == 0
    (call,) = json.loads(out)["calls"]
    assert call["matches"][0]["name"] == "Priya Raman"
    assert call["timings"]["card_shown_ms"] is not None
    assert call["timings"]["lookup_ms"]["rw"] >= 0
    code, out, _ = await ringside("history")
    assert "Priya Raman (contact, rw #533995)" in out
    assert "← 0491 570 006 [ringing]" in out  # formatted for humans, in the configured region
