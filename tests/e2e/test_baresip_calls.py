"""Ringside with a real softphone: two baresip instances on loopback (no registrar), the recruiter's
watched by Ringside over ctrl_tcp, the other one played by the test as Priya Raman's phone (a demo
contact the Recruit Wizard emulator knows). Calls go both ways; notes land in the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path

import pytest

from app.config import paths
from app.config.settings import BaresipSourceSettings
from app.core.models import Direction, NoteStatus
from app.core.views import CallState, CallView
from app.runtime.runtime import Runtime
from app.telephony.baresip import BaresipSource
from tests.conftest import RwEnv
from tests.e2e.softphone import WAIT, CtrlClient, Softphone, two_phones
from tests.integration.test_call_flow import PRIYA, Recorder
from tests.support import until

pytestmark = pytest.mark.e2e

RECRUITER = "+61400000001"  # the recruiter's own line; no CRM knows it

Phones = tuple[Softphone, Softphone]
Ringside = tuple[Runtime, Recorder, BaresipSource]


@pytest.fixture
async def phones(tmp_path: Path) -> AsyncIterator[Phones]:
    async with two_phones(tmp_path, RECRUITER, PRIYA) as both:
        yield both


@pytest.fixture
async def ringside(rw_env: RwEnv, phones: Phones) -> AsyncIterator[Ringside]:
    recruiter, _ = phones
    rec = Recorder()
    settings = rw_env.settings().model_copy(update={
        "sources": [BaresipSourceSettings(kind="baresip", address=f"127.0.0.1:{recruiter.ctrl_port}")]})
    rt = Runtime(paths=paths.resolve(), settings=settings, listener=rec, secrets=rw_env.secrets)
    await rt.start()
    (source,) = rt.sources
    assert isinstance(source, BaresipSource)
    try:
        await _within(source.wait_connected(), "Ringside to connect to the recruiter's baresip", recruiter)
        yield rt, rec, source
    finally:
        await rt.stop()


@pytest.fixture
async def priya_phone(phones: Phones) -> AsyncIterator[CtrlClient]:
    """The test's own hands on Priya's softphone (ctrl_tcp serves one client: this is it)."""
    client = CtrlClient(phones[1])
    await client.connect()
    yield client
    await client.close()


async def _within(awaitable: Awaitable[None], what: str, phone: Softphone) -> None:
    try:
        await asyncio.wait_for(awaitable, WAIT)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}; baresip log:\n{phone.log_tail()}") from None


async def _log_note(rt: Runtime, rec: Recorder, view: CallView) -> None:
    (note_request,) = [v for v in rec.note_requests if v.call_id == view.call_id]
    (chosen,) = note_request.chosen()
    assert chosen.name == "Priya Raman"
    await rt.controls.save_note(view.call_id, "Talked through the Java role.", [chosen.key])
    await rec.view(lambda v: v.call_id == view.call_id and any(n.status is NoteStatus.LOGGED for n in v.notes), WAIT)


async def test_an_incoming_call_pops_is_answered_and_hung_up_from_ringside_and_logs_type_1(
    ringside: Ringside, phones: Phones, priya_phone: CtrlClient, rw_env: RwEnv
) -> None:
    rt, rec, _ = ringside
    recruiter, _ = phones

    dialled = await priya_phone.command("dial", recruiter.uri)
    assert dialled.ok, dialled.data
    ringing = await priya_phone.event("CALL_RINGING")  # the recruiter's phone is ringing

    card = await rec.view(lambda v: v.number == PRIYA and v.complete, WAIT)
    assert card.call_id == ringing.id  # baresip's call id (the SIP Call-ID both ends share)
    assert (card.state, card.direction, card.can_answer) == (CallState.RINGING, Direction.INBOUND, True)
    assert card.matches[0].name == "Priya Raman"

    rt.controls.answer(card.call_id)  # the card's Answer button
    await priya_phone.event("CALL_ESTABLISHED")
    await rec.view(lambda v: v.call_id == card.call_id and v.state is CallState.ANSWERED, WAIT)

    rt.controls.hang_up(card.call_id)  # the card's Hang up button
    await priya_phone.event("CALL_CLOSED")
    ended = await rec.view(lambda v: v.call_id == card.call_id and v.state is CallState.ENDED, WAIT)

    await _log_note(rt, rec, ended)
    (activity,) = rw_env.sandbox.activities()
    assert activity["TypeId"] == 1 and activity["StatusID"] == 2
    assert activity["Notes"] == "Talked through the Java role."


async def test_dialling_out_through_baresip_rings_the_other_phone_and_logs_type_4(
    ringside: Ringside, phones: Phones, priya_phone: CtrlClient, rw_env: RwEnv
) -> None:
    rt, rec, source = ringside
    _, priya = phones

    await source.dial(priya.uri)  # `dial sip:+61491570006@127.0.0.1:<port>`
    incoming = await priya_phone.event("CALL_INCOMING")  # seen by Priya's own baresip
    assert incoming.direction == "incoming" and RECRUITER in incoming.peeruri

    card = await rec.view(lambda v: v.number == PRIYA and v.complete, WAIT)
    assert (card.call_id, card.direction, card.state) == (incoming.id, Direction.OUTBOUND, CallState.RINGING)
    assert card.matches[0].name == "Priya Raman"

    assert (await priya_phone.command("accept")).ok  # Priya picks up
    await rec.view(lambda v: v.call_id == card.call_id and v.state is CallState.ANSWERED, WAIT)
    assert (await priya_phone.command("hangup")).ok  # … and hangs up
    ended = await rec.view(lambda v: v.call_id == card.call_id and v.state is CallState.ENDED, WAIT)

    await _log_note(rt, rec, ended)
    (activity,) = rw_env.sandbox.activities()
    assert activity["TypeId"] == 4 and activity["StatusID"] == 2


async def test_ringside_reconnects_when_baresip_restarts(
    ringside: Ringside, phones: Phones, priya_phone: CtrlClient
) -> None:
    rt, rec, source = ringside
    recruiter, _ = phones
    await priya_phone.command("dial", recruiter.uri)
    first = await rec.view(lambda v: v.number == PRIYA, WAIT)

    await recruiter.stop()
    await until(lambda: not source.connected, WAIT, "Ringside to notice baresip went away")
    await rec.view(lambda v: v.call_id == first.call_id and v.state is CallState.MISSED, WAIT)
    assert [text for text, error in rec.messages if error] == [
        f"The softphone (baresip at 127.0.0.1:{recruiter.ctrl_port}) is not connected: "
        "baresip closed the connection. Ringside keeps trying."]
    await priya_phone.event("CALL_CLOSED")

    await recruiter.start()
    await _within(source.wait_connected(), "Ringside to reconnect", recruiter)
    await priya_phone.command("dial", recruiter.uri)
    second = await rec.view(lambda v: v.number == PRIYA and v.call_id != first.call_id and v.complete, WAIT)
    assert second.state is CallState.RINGING
    rt.controls.hang_up(second.call_id)
    await rec.view(lambda v: v.call_id == second.call_id and v.state is CallState.MISSED, WAIT)
