"""Click-to-dial with a real softphone: Ringside's Dial (Controls.dial → the baresip dialer) makes
the recruiter's baresip call Priya's; her phone rings (seen on her own ctrl_tcp), the one card that
popped at once follows baresip's call, and the note logs as outbound (TypeId 4)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from app.config import paths
from app.config.settings import BaresipDialerSettings, BaresipSourceSettings
from app.core.models import Direction, NoteStatus
from app.core.views import CallState
from app.runtime.runtime import Runtime
from app.telephony.baresip import BaresipSource
from tests.conftest import RwEnv
from tests.e2e.softphone import WAIT, CtrlClient
from tests.e2e.test_baresip_calls import RECRUITER, Phones, phones, priya_phone
from tests.integration.test_call_flow import PRIYA, Recorder

pytestmark = pytest.mark.e2e
__all__ = ["phones", "priya_phone"]  # fixtures, used by name


@pytest.fixture
async def dialling(rw_env: RwEnv, phones: Phones) -> AsyncIterator[tuple[Runtime, Recorder]]:
    """Ringside watching the recruiter's baresip, dialling through it to the loopback SIP host
    where Priya's softphone listens (no registrar: the domain is her address)."""
    recruiter, priya = phones
    rec = Recorder()
    settings = rw_env.settings().model_copy(update={
        "sources": [BaresipSourceSettings(kind="baresip", address=f"127.0.0.1:{recruiter.ctrl_port}")],
        "dialer": BaresipDialerSettings(kind="baresip", domain=f"127.0.0.1:{priya.sip_port}"),
    })
    rt = Runtime(paths=paths.resolve(), settings=settings, listener=rec, secrets=rw_env.secrets)
    await rt.start()
    (source,) = rt.sources
    assert isinstance(source, BaresipSource)
    try:
        await asyncio.wait_for(source.wait_connected(), WAIT)
        yield rt, rec
    finally:
        await rt.stop()


async def test_dial_from_ringside_rings_the_other_phone_and_logs_type_4(
    dialling: tuple[Runtime, Recorder], priya_phone: CtrlClient, rw_env: RwEnv
) -> None:
    rt, rec = dialling
    rt.controls.dial("0491 570 006")  # tray → Dial…, typed as the recruiter would

    incoming = await priya_phone.event("CALL_INCOMING")  # Priya's own baresip rings
    assert incoming.direction == "incoming" and RECRUITER in incoming.peeruri

    card = await rec.view(lambda v: v.number == PRIYA and v.complete, WAIT)
    assert (card.direction, card.state) == (Direction.OUTBOUND, CallState.RINGING)
    assert card.matches[0].name == "Priya Raman" and not card.manual

    assert (await priya_phone.command("accept")).ok  # Priya picks up
    await rec.view(lambda v: v.call_id == card.call_id and v.state is CallState.ANSWERED, WAIT)
    rt.controls.hang_up(card.call_id)  # the card's Hang up acts on baresip's call
    await priya_phone.event("CALL_CLOSED")
    ended = await rec.view(lambda v: v.call_id == card.call_id and v.state is CallState.ENDED, WAIT)
    assert {v.call_id for v in rec.views} == {card.call_id}  # one card for the whole call

    (note_request,) = rec.note_requests
    assert note_request.call_id == card.call_id
    (chosen,) = ended.chosen()
    await rt.controls.save_note(card.call_id, "Called about the Java role.", [chosen.key])
    await rec.view(lambda v: v.call_id == card.call_id and any(n.status is NoteStatus.LOGGED for n in v.notes),
                   WAIT)
    (activity,) = rw_env.sandbox.activities()
    assert activity["TypeId"] == 4 and activity["StatusID"] == 2
    assert activity["Notes"] == "Called about the Java role."
