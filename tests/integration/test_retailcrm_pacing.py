"""retailCRM's rate limits and call recordings, against the emulator on a real loopback socket: the
emulator refuses (503) what goes past 10 requests/s (40/s for /telephony/*), Ringside's pacer keeps
every request under that, and a recorded call is uploaded with a recordUrl that Ringside's callback
server answers with the recording."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any, cast

import httpx
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from app.core.models import CallNotice, EventType
from app.crm.callbacks import CallbackContext
from app.crm.retailcrm import callbacks as rc_callbacks
from app.crm.retailcrm.connector import RetailCrmConnector
from app.crm.retailcrm.recordings import Recordings
from app.sandbox.retailcrm.limits import Buckets
from app.sandbox.retailcrm.server import DEMO_API_KEY, RetailCrmSandbox
from app.sandbox.retailcrm.store import RECRUITER_CODE
from app.sandbox.runner import SandboxServer
from tests.integration.conftest import RcConnectorFactory, RcSandbox
from tests.integration.test_retailcrm_connector import PRIYA, notices, whole_call
from tests.support import caller

API = "/api/v5"
PUBLIC = "https://ringside.example.test"


async def test_the_emulator_refuses_a_burst_past_the_limits() -> None:
    sandbox = RetailCrmSandbox()
    sandbox.buckets = Buckets(clock=lambda: 0.0)  # the whole burst inside one instant, however slow this machine
    with SandboxServer(sandbox.make_app) as server:
        async with httpx.AsyncClient(base_url=server.url + API, headers={"X-API-KEY": DEMO_API_KEY}) as client:
            general = await asyncio.gather(*[client.get("/reference/sites") for _ in range(30)])
            telephony = await asyncio.gather(*[client.get("/telephony/manager", params={"phone": PRIYA})
                                               for _ in range(60)])
    assert [r.status_code for r in general].count(200) == 10  # one second's worth, then 503
    assert [r.status_code for r in telephony].count(200) == 40  # 40 for the telephony methods, in their own lane
    assert {r.status_code for r in general + telephony} == {200, 503}


async def test_paced_requests_are_never_refused_even_when_fifty_go_one_by_one(
    rc_sandbox: RcSandbox, rc_connector: RcConnectorFactory
) -> None:
    sandbox, _ = rc_sandbox
    connector = rc_connector()
    good = {"date": "2024-05-01 14:03:00", "type": "in", "phone": PRIYA, "code": RECRUITER_CODE, "result": "answered"}
    for n in range(49):
        connector.queue.add("rc", f"c-{n}", good | {"externalId": f"c-{n}"})
    connector.queue.add("rc", "bad", good | {"externalId": "bad", "date": "yesterday"})
    lookups = [connector.lookup(caller(PRIYA)) for _ in range(15)]  # and the card looking people up meanwhile
    await asyncio.gather(connector.flush_uploads(), *lookups)
    await connector.aclose()
    uploads = sandbox.journal.entries(API + "/telephony/calls/upload")
    assert len(uploads) == 51  # the batch, refused for one call, then each call by itself
    assert len(sandbox.calls()) == 49
    assert [e.status for e in sandbox.journal.entries(API) if e.status == 503] == []


async def test_a_recorded_call_is_uploaded_with_a_record_url_ringside_serves(
    rc_sandbox: RcSandbox, rc_connector: RcConnectorFactory, tmp_path: Path
) -> None:
    sandbox, _ = rc_sandbox
    recording = tmp_path / "pbx-7.wav"
    recording.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")  # the test's own (tiny) recording
    shelf = Recordings()
    connector = rc_connector(public_url=PUBLIC)
    connector._recordings = shelf  # the test's own shelf, shared with its callback app
    steps = notices("pbx-7")
    hangup = steps[-1].model_copy(update={"recording": str(recording)})
    await whole_call(connector, [*steps[:-1], hangup])
    await connector.aclose()
    [call] = sandbox.calls()
    match = re.fullmatch(re.escape(PUBLIC) + r"/recordings/([A-Za-z0-9_-]{40,})", call["recordUrl"])
    assert match is not None, call["recordUrl"]
    token = match.group(1)
    assert connector.account.client_id not in call["recordUrl"]

    app = web.Application()
    rc_callbacks.mount(app, cast(CallbackContext, None), shelf)
    async with TestClient(TestServer(app)) as client:
        served = await client.get(f"/recordings/{token}")
        body = await served.read()
        unknown = await client.get("/recordings/" + "x" * 43)
        guessed = await client.get(f"/recordings/{connector.account.client_id}")
    assert served.status == 200 and served.headers["Content-Type"] == "audio/wav"
    assert body == recording.read_bytes()
    assert unknown.status == guessed.status == 404


async def test_a_call_without_a_recording_or_a_public_address_has_no_record_url(
    rc_sandbox: RcSandbox, rc_connector: RcConnectorFactory, tmp_path: Path
) -> None:
    sandbox, _ = rc_sandbox
    recording = tmp_path / "pbx-8.mp3"
    recording.write_bytes(b"ID3")
    without_address: RetailCrmConnector = rc_connector()  # no public_url: retailCRM couldn't reach it
    steps: list[Any] = notices("pbx-8")
    steps[-1] = steps[-1].model_copy(update={"recording": str(recording)})
    await whole_call(without_address, steps)
    await without_address.aclose()
    missing_file = rc_connector(public_url=PUBLIC)
    gone: list[CallNotice] = notices("pbx-9")
    gone[-1] = gone[-1].model_copy(update={"recording": str(tmp_path / "deleted.wav")})
    await whole_call(missing_file, gone)
    await missing_file.aclose()
    assert [("recordUrl" in c) for c in sandbox.calls()] == [False, False]
    assert [s.type for s in gone] == [EventType.RING, EventType.ANSWER, EventType.HANGUP]
