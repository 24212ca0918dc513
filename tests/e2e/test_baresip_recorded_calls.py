"""A real call recorded by the recruiter's baresip (its `sndfile` module) reaches retailCRM's call
history with a `recordUrl`, and that address, on Ringside's callback server, serves the recording:
two baresip instances on loopback, the retailCRM emulator, the real runtime."""

from __future__ import annotations

import re
import wave
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from app.config import paths
from app.config.settings import BaresipSourceSettings, CallbacksSettings, Settings, SystemDialerSettings
from app.core.views import CallState
from app.crm.retailcrm.settings import RetailCrmAccount
from app.demo.peer import free_port
from app.runtime.runtime import Runtime
from app.sandbox.retailcrm.server import DEMO_API_KEY, RetailCrmSandbox
from app.sandbox.retailcrm.store import DEMO_CLIENT_ID, DEMO_SITE, RECRUITER_CODE, RECRUITER_ID
from app.sandbox.runner import SandboxServer
from tests.conftest import RwEnv
from tests.e2e.softphone import WAIT, CtrlClient, Softphone, two_phones
from tests.integration.test_call_flow import PRIYA, Recorder
from tests.support import until

pytestmark = pytest.mark.e2e

RECRUITER = "+61400000001"


@pytest.fixture
def retail() -> Iterator[tuple[RetailCrmSandbox, SandboxServer]]:
    sandbox = RetailCrmSandbox()
    with SandboxServer(sandbox.make_app) as server:
        yield sandbox, server


@pytest.fixture
async def phones(tmp_path: Path) -> AsyncIterator[tuple[Softphone, Softphone]]:
    async with two_phones(tmp_path, RECRUITER, PRIYA, recordings=tmp_path / "recorded") as both:
        yield both


async def test_a_recorded_call_is_uploaded_with_a_record_url_that_serves_the_wav(
    rw_env: RwEnv, retail: tuple[RetailCrmSandbox, SandboxServer], phones: tuple[Softphone, Softphone]
) -> None:
    sandbox, server = retail
    recruiter, priya = phones
    assert recruiter.recordings is not None
    listen = f"127.0.0.1:{free_port()}"
    public = f"http://{listen}"
    rc = RetailCrmAccount(kind="retailcrm", id="rc", api_url=server.url, site=DEMO_SITE, user_id=RECRUITER_ID,
                          code=RECRUITER_CODE, client_id=DEMO_CLIENT_ID, public_url=public)
    source = BaresipSourceSettings(kind="baresip", address=f"127.0.0.1:{recruiter.ctrl_port}",
                                   recordings=str(recruiter.recordings))
    settings = Settings(general=rw_env.settings().general, accounts=[rc], sources=[source],
                        dialer=SystemDialerSettings(kind="system"), callbacks=CallbacksSettings(listen=listen))
    rw_env.secrets.set("rc", "apikey", DEMO_API_KEY)
    rec = Recorder()
    rt = Runtime(paths=paths.resolve(), settings=settings, listener=rec, secrets=rw_env.secrets)
    await rt.start()
    priya_phone = CtrlClient(priya)
    try:
        await until(lambda: all(getattr(s, "connected", False) for s in rt.sources), WAIT, "Ringside to connect")
        await priya_phone.connect()
        assert (await priya_phone.command("dial", recruiter.uri)).ok
        card = await rec.view(lambda v: v.number == PRIYA and v.complete, WAIT)
        rt.controls.answer(card.call_id)
        await priya_phone.event("CALL_ESTABLISHED")
        # some audio on both sides before the hang-up (ausine's tone, 48 kHz)
        await until(lambda: sum(p.stat().st_size for p in recruiter.recordings.glob("dump-*.wav")) > 200_000,
                    WAIT, "baresip to record some audio")
        rt.controls.hang_up(card.call_id)
        await rec.view(lambda v: v.call_id == card.call_id and v.state is CallState.ENDED, WAIT)

        await until(sandbox.calls, WAIT, "the call in retailCRM's history")
        [call] = sandbox.calls()
        assert call["externalId"] == card.call_id and call["result"] == "answered"
        match = re.fullmatch(re.escape(public) + r"/recordings/([A-Za-z0-9_-]{40,})", call["recordUrl"])
        assert match, call["recordUrl"]
        assert DEMO_CLIENT_ID not in call["recordUrl"]

        async with httpx.AsyncClient(timeout=WAIT) as client:
            served = await client.get(call["recordUrl"])
            token = match[1]
            wrong = await client.get(f"{public}/recordings/{token[:-1]}{'B' if token.endswith('A') else 'A'}")
        assert served.status_code == 200
        assert served.headers["Content-Type"].split(";")[0] in ("audio/wav", "audio/x-wav")
        (merged,) = recruiter.recordings.glob("call-*.wav")
        assert served.content == merged.read_bytes()
        with wave.open(str(merged), "rb") as reader:  # both sides: the caller left, the recruiter right
            assert (reader.getnchannels(), reader.getframerate()) == (2, 48000) and reader.getnframes() > 0
        assert wrong.status_code == 404
    finally:
        await priya_phone.close()
        await rt.stop()
