"""Idle connections held against the webhook don't take the app down: with 1,050 of them open (under
a desktop's usual 1,024-descriptor limit), `ringside event` still reaches the running instance, the
log stays quiet, and the webhook serves again once the header deadline cuts the idle ones off."""

from __future__ import annotations

import asyncio
import logging
import resource
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from app.config import paths
from app.crm._shared import loopback
from app.runtime.runtime import Runtime
from app.telephony.webhook import load_or_create_token
from tests.conftest import RwEnv
from tests.integration.conftest import closed_port
from tests.integration.test_call_flow import PRIYA, Recorder
from tests.integration.test_cli import ringside
from tests.integration.test_webhook import webhook_settings

IDLE = 1050
FLOOD = """
import socket, sys, time
socks = []
for i in range({n}):
    socks.append(socket.create_connection(("127.0.0.1", {port}), timeout=10))
    if i % 50 == 49:
        time.sleep(0.02)  # paced below the listen backlog, so the server really accepts every one
print("held", len(socks), flush=True)
sys.stdin.read()
"""


@pytest.fixture
def desktop_fd_limit() -> Iterator[None]:
    """This process (the app under test) gets the 1,024 descriptors a desktop session usually has."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.fixture
async def app(rw_env: RwEnv, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[Runtime, int]]:
    monkeypatch.setattr(loopback, "HEADER_TIMEOUT_S", 2.0)
    port = closed_port()
    rt = Runtime(paths=paths.resolve(), settings=webhook_settings(rw_env, port), listener=Recorder(),
                 secrets=rw_env.secrets)
    await rt.start()
    yield rt, port
    await rt.stop()


def _raise_own_limit() -> None:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))


async def test_1050_idle_connections_leave_the_door_and_then_the_webhook_answering(
    app: tuple[Runtime, int], desktop_fd_limit: None, caplog: pytest.LogCaptureFixture,
) -> None:
    _, port = app
    caplog.set_level(logging.WARNING)
    flood = await asyncio.create_subprocess_exec(
        sys.executable, "-c", FLOOD.format(n=IDLE, port=port), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        preexec_fn=_raise_own_limit)
    try:
        assert flood.stdout is not None
        line = await asyncio.wait_for(flood.stdout.readline(), 30)
        assert line.decode().split() == ["held", str(IDLE)]
        code, out, err = await ringside("event", "ring", "--number", "0491 570 006")
        assert (code, err) == (0, ""), err
        assert "sent ring" in out
        url = f"http://127.0.0.1:{port}/v1/events"
        headers = {"Authorization": f"Bearer {load_or_create_token(paths.resolve().data_dir)}"}
        async with httpx.AsyncClient(timeout=5) as client:
            async def webhook_answers() -> bool:
                try:
                    response = await client.post(url, json={"type": "ring", "number": PRIYA}, headers=headers)
                except httpx.HTTPError:
                    return False
                return response.status_code == 200

            loop = asyncio.get_running_loop()
            deadline = loop.time() + 15
            while not await webhook_answers():  # served again once the header deadline cut the idle ones
                assert loop.time() < deadline, "the webhook never answered again"
                await asyncio.sleep(0.1)
    finally:
        if flood.returncode is None:
            flood.kill()
        await flood.wait()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
