"""Placing calls through the real runtime: each dialer against something real (the Puzzel emulator,
a stand-in baresip on a loopback socket, a captured tel: opener), the outbound card and its note,
and the refusals a recruiter reads."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

from app.config import paths
from app.config.settings import BaresipDialerSettings, BaresipSourceSettings, Settings, SystemDialerSettings
from app.core.models import Direction, NoteStatus
from app.core.views import CallState, TrayState
from app.crm.puzzel.settings import PuzzelAccount, PuzzelDialerSettings
from app.runtime.runtime import Runtime
from app.sandbox.puzzel.server import DEMO_CUSTOMER_KEY, DEMO_PASSWORD, DEMO_USER, PuzzelSandbox
from app.sandbox.runner import SandboxServer
from app.telephony.baresip import BaresipSource
from tests.conftest import RwEnv
from tests.integration.conftest import closed_port
from tests.integration.test_baresip_source import FakeBaresip
from tests.integration.test_call_flow import PRIYA, Recorder
from tests.support import until

WAIT = 5.0
Puzzel = tuple[PuzzelSandbox, SandboxServer]
MakeRuntime = Callable[..., Runtime]


@pytest.fixture
def puzzel() -> Iterator[Puzzel]:
    sandbox = PuzzelSandbox()
    with SandboxServer(sandbox.make_app) as server:
        yield sandbox, server


@pytest.fixture
async def make_runtime(rw_env: RwEnv) -> AsyncIterator[MakeRuntime]:
    """Start a runtime with the Recruit Wizard account plus `changes` to its settings."""
    started: list[Runtime] = []

    def make(*, listener: Recorder, open_tel: Callable[[str], Awaitable[None]] | None = None,
             **changes: Any) -> Runtime:
        settings = rw_env.settings()
        accounts = [*settings.accounts, *changes.pop("accounts", [])]
        settings = Settings.model_validate({**settings.model_dump(), **changes, "accounts": accounts})
        runtime = Runtime(paths=paths.resolve(), settings=settings, listener=listener, secrets=rw_env.secrets,
                          open_tel=open_tel)
        started.append(runtime)
        return runtime

    yield make
    for runtime in started:
        await runtime.stop()


def puzzel_settings(puzzel: Puzzel) -> dict[str, Any]:
    account = PuzzelAccount(kind="puzzel", id="pz", auth_url=puzzel[1].url, api_url=puzzel[1].url,
                            customer_key=DEMO_CUSTOMER_KEY, username=DEMO_USER)
    return {"accounts": [account], "dialer": PuzzelDialerSettings(kind="puzzel", account="pz")}


@pytest.fixture
async def via_puzzel(make_runtime: MakeRuntime, puzzel: Puzzel, rw_env: RwEnv) -> tuple[Runtime, Recorder]:
    rw_env.secrets.set("pz", "password", DEMO_PASSWORD)
    rec = Recorder()
    rt = make_runtime(listener=rec, **puzzel_settings(puzzel))
    await rt.start()
    return rt, rec


async def test_a_puzzel_call_pops_an_outbound_card_that_records_the_call_and_logs_type_4(
    via_puzzel: tuple[Runtime, Recorder], puzzel: Puzzel, rw_env: RwEnv
) -> None:
    rt, rec = via_puzzel
    rt.controls.dial("0491 570 006")
    card = await rec.view(lambda v: v.complete)
    assert (card.direction, card.state, card.number) == (Direction.OUTBOUND, CallState.RINGING, PRIYA)
    assert card.manual and card.can_answer  # Puzzel reports nothing: the card's buttons record the call
    assert card.matches[0].name == "Priya Raman"
    await until(lambda: puzzel[0].callouts(), WAIT, "the callout")
    assert puzzel[0].callouts()[0]["body"]["destination"] == PRIYA

    rt.controls.answer(card.call_id)  # "Connected"
    await rec.view(lambda v: v.call_id == card.call_id and v.state is CallState.ANSWERED)
    rt.controls.hang_up(card.call_id)  # "Call ended"
    ended = await rec.view(lambda v: v.call_id == card.call_id and v.state is CallState.ENDED)
    assert [v.call_id for v in rec.note_requests] == [card.call_id]

    (chosen,) = ended.chosen()
    await rt.controls.save_note(card.call_id, "Left a message about the Java role.", [chosen.key])
    await rec.view(lambda v: v.call_id == card.call_id and any(n.status is NoteStatus.LOGGED for n in v.notes))
    (activity,) = rw_env.sandbox.activities()
    assert activity["TypeId"] == 4 and activity["Notes"] == "Left a message about the Java role."
    assert rec.messages == []


async def test_a_busy_agent_is_told_why_and_the_card_ends_without_a_note(
    via_puzzel: tuple[Runtime, Recorder], puzzel: Puzzel
) -> None:
    rt, rec = via_puzzel
    puzzel[0].set_status(DEMO_USER, user_status="Busy")
    rt.controls.dial("0491 570 006")
    await rec.view(lambda v: v.state is CallState.MISSED)
    assert rec.messages == [("Couldn't call 0491 570 006: Your Puzzel status is Busy — set it to Available "
                             "to make calls.", True)]
    assert rec.note_requests == []
    assert puzzel[0].callouts() == []


async def test_an_invalid_number_is_refused_and_not_dialled(
    via_puzzel: tuple[Runtime, Recorder], puzzel: Puzzel
) -> None:
    rt, rec = via_puzzel
    with pytest.raises(ValueError, match="not a phone number"):
        await rt.switchboard.place_call("call me maybe")
    assert rec.messages == [("Couldn't call call me maybe: 'call me maybe' is not a phone number.", True)]
    assert rec.views == [] and puzzel[0].journal.entries() == []


async def test_without_a_dialer_dialling_says_how_to_set_one_up(make_runtime: MakeRuntime) -> None:
    rec = Recorder()
    rt = make_runtime(listener=rec)
    await rt.start()
    rt.controls.dial("0491 570 006")
    await until(lambda: rec.messages, WAIT, "the refusal")
    ((text, error),) = rec.messages
    assert error and "No dialer is set up" in text and "[dialer]" in text
    assert rec.views == []


async def test_a_dialer_naming_a_missing_account_says_which(make_runtime: MakeRuntime) -> None:
    rec = Recorder()
    rt = make_runtime(listener=rec, dialer=PuzzelDialerSettings(kind="puzzel", account="nope"))
    await rt.start()
    rt.controls.dial("0491 570 006")
    await until(lambda: rec.messages, WAIT, "the refusal")
    assert rec.messages == [("Couldn't call 0491 570 006: [dialer] account 'nope' is not in config.toml "
                             "(Puzzel accounts: none).", True)]


async def test_the_system_dialer_opens_a_tel_link(make_runtime: MakeRuntime) -> None:
    opened: list[str] = []

    async def opener(url: str) -> None:
        opened.append(url)

    rec = Recorder()
    rt = make_runtime(listener=rec, dialer=SystemDialerSettings(kind="system"), open_tel=opener)
    await rt.start()
    call_id = await rt.switchboard.place_call("(04) 9157 0006")
    assert opened == [f"tel:{PRIYA}"]
    card = await rec.view(lambda v: v.call_id == call_id)
    assert card.direction is Direction.OUTBOUND and card.manual


# -- baresip: the softphone reports the call it placed; one card, its id for the buttons ----------


@pytest.fixture
async def fake() -> AsyncIterator[FakeBaresip]:
    server = FakeBaresip()
    await server.start()
    yield server
    await server.stop()


async def via_baresip(make_runtime: MakeRuntime, rec: Recorder, port: int, *, connect: bool = True) -> Runtime:
    """A runtime whose baresip source (at `port`) is also its dialer, to pbx.example.test:5060."""
    rt = make_runtime(listener=rec, sources=[BaresipSourceSettings(kind="baresip", address=f"127.0.0.1:{port}")],
                      dialer=BaresipDialerSettings(kind="baresip", domain="pbx.example.test:5060"))
    await rt.start()
    (source,) = rt.sources
    assert isinstance(source, BaresipSource)
    if connect:
        await asyncio.wait_for(source.wait_connected(), WAIT)
    return rt


async def test_a_baresip_call_is_one_card_paired_with_baresips_own_id(
    make_runtime: MakeRuntime, fake: FakeBaresip
) -> None:
    rec = Recorder()
    rt = await via_baresip(make_runtime, rec, fake.port)

    rt.controls.dial("0491570006")
    command = await fake.next_command()
    assert (command["command"], command["params"]) == ("dial", f"sip:{PRIYA}@pbx.example.test:5060")
    card = await rec.view(lambda v: v.number == PRIYA)  # popped before baresip said anything
    assert card.direction is Direction.OUTBOUND and not card.manual

    # baresip 1.0 reports the outgoing call as CALL_RINGING / CALL_PROGRESS with its own id.
    fake.send(fake.event("CALL_PROGRESS", "sip-call-1", direction="outgoing")
              + fake.event("CALL_RINGING", "sip-call-1", direction="outgoing")
              + fake.event("CALL_ESTABLISHED", "sip-call-1", direction="outgoing"))
    await rec.view(lambda v: v.call_id == card.call_id and v.state is CallState.ANSWERED)

    rt.controls.hang_up(card.call_id)  # acts on baresip's call, by baresip's id
    assert [(c["command"], c["params"]) for c in (await fake.next_command(), await fake.next_command())] == [
        ("callfind", "sip-call-1"), ("hangup", "sip-call-1")]
    fake.send(fake.event("CALL_CLOSED", "sip-call-1", direction="outgoing"))
    await rec.view(lambda v: v.call_id == card.call_id and v.state is CallState.ENDED)
    assert {v.call_id for v in rec.views} == {card.call_id}  # one card, never a second for baresip's id
    assert [v.call_id for v in rec.note_requests] == [card.call_id]


async def test_an_inbound_call_from_the_dialled_number_is_not_mistaken_for_the_dialled_call(
    make_runtime: MakeRuntime, fake: FakeBaresip
) -> None:
    rec = Recorder()
    rt = await via_baresip(make_runtime, rec, fake.port)
    rt.controls.dial(PRIYA)
    await fake.next_command()
    dialled = await rec.view(lambda v: v.number == PRIYA)
    fake.send(fake.event("CALL_INCOMING", "in-1"))
    inbound = await rec.view(lambda v: v.call_id == "in-1")
    assert inbound.direction is Direction.INBOUND and dialled.call_id != "in-1"


async def test_a_baresip_dialer_with_the_softphone_down_says_so(make_runtime: MakeRuntime) -> None:
    rec = Recorder()
    port = closed_port()
    rt = await via_baresip(make_runtime, rec, port, connect=False)
    rt.controls.dial(PRIYA)
    await until(lambda: any("Couldn't call" in text for text, _ in rec.messages), WAIT, "the refusal")
    assert (f"Couldn't call {PRIYA}: The softphone (baresip at 127.0.0.1:{port}) is not connected.", True) \
        in rec.messages
    assert rec.note_requests == []


async def test_the_tray_shows_when_the_softphone_is_not_connected(make_runtime: MakeRuntime, fake: FakeBaresip) -> None:
    rec = Recorder()
    rt = make_runtime(listener=rec, sources=[BaresipSourceSettings(kind="baresip", address=f"127.0.0.1:{fake.port}")])
    source = rt.sources[0]
    assert isinstance(source, BaresipSource)
    source._backoff = (0.05, 0.05)  # reconnect quickly in the test
    await fake.stop()
    await rt.start()
    offline = (TrayState.OFFLINE, f"baresip at 127.0.0.1:{fake.port}; Ringside keeps trying")
    assert rec.tray[-1] == offline

    await fake.start(fake.port)
    await until(lambda: rec.tray[-1] == (TrayState.IDLE, "Ready"), WAIT, "the tray to say Ready")
    await fake.stop()
    await until(lambda: rec.tray[-1] == offline, WAIT, "the tray to say the softphone is not connected")
