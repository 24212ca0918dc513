"""`ringside --demo` can dial: its settings carry a Puzzel account and `[dialer] kind = "puzzel"`,
and a call placed in the demo's runtime reaches the Puzzel emulator as a callout."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.crm.puzzel.settings import PuzzelAccount, PuzzelDialerSettings
from app.demo.demo import DemoEnv, prepare_demo
from app.runtime.runtime import Runtime
from tests.integration.test_call_flow import PRIYA, Recorder


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoEnv]:
    env = prepare_demo(home=tmp_path / "demo", latency={})  # signs in with asyncio.run: outside the test's loop
    yield env
    env.close()


async def test_the_demo_dials_through_its_puzzel_emulator(demo: DemoEnv) -> None:
    env = demo
    assert isinstance(env.settings.dialer, PuzzelDialerSettings)
    account = env.settings.account(env.settings.dialer.account)
    assert isinstance(account, PuzzelAccount)
    assert "Puzzel emulator" in env.instructions and " dial " in env.instructions
    rec = Recorder()
    rt = Runtime(paths=env.paths, settings=env.settings, listener=rec, secrets=env.secrets)
    await rt.start()
    try:
        call_id = await rt.switchboard.place_call("0491 570 006")
        card = await rec.view(lambda v: v.call_id == call_id)
        assert card.manual and card.number == PRIYA
    finally:
        await rt.stop()
    async with httpx.AsyncClient() as http:
        journal = (await http.get(f"{account.api_url}/_sandbox/journal",
                                  params={"path_prefix": "/ContactCentre5/", "method": "POST"})).json()
    assert [entry["json"]["destination"] for entry in journal] == [PRIYA]
    assert rec.messages == []
