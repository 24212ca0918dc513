"""The baresip source against a stand-in ctrl_tcp server on a real loopback socket, inside the real
runtime: framing trouble, reconnects, command/response matching and the card's Answer / Hang up.
(tests/e2e runs the same against a real baresip.)"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from app.config import paths
from app.config.settings import BaresipSourceSettings
from app.core.models import Direction
from app.core.views import CallState
from app.errors import Rejected, Unavailable
from app.runtime.runtime import Runtime
from app.telephony.baresip import BaresipSource
from app.telephony.netstring import encode
from tests.conftest import RwEnv
from tests.integration.conftest import closed_port
from tests.integration.test_call_flow import PRIYA, Recorder
from tests.support import until

WAIT = 5.0


class FakeBaresip:
    """ctrl_tcp as baresip 1.0 serves it: one client at a time (a new one replaces the old), every
    command answered with its token. `reply` decides the answer; `commands` records what came in."""

    def __init__(self) -> None:
        self.port = 0
        self.connections = 0
        self.commands: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.reply: Callable[[dict[str, Any]], dict[str, Any] | None] = self.default_reply
        self._server: asyncio.Server | None = None
        self._writer: asyncio.StreamWriter | None = None

    @staticmethod
    def default_reply(command: dict[str, Any]) -> dict[str, Any] | None:
        if command["command"] == "callfind":
            return {"ok": True, "data": f"setting current call: {command['params']}\n"}
        return {"ok": True, "data": ""}

    async def start(self, port: int = 0) -> None:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", port or self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._writer is not None:
            self._writer.close()
        self._writer = writer
        self.connections += 1
        buffer = b""
        while data := await reader.read(4096):
            buffer += data
            while b":" in buffer:
                head, rest = buffer.split(b":", 1)
                size = int(head)
                if len(rest) <= size:
                    break
                command = json.loads(rest[:size])
                buffer = rest[size + 1 :]
                await self.commands.put(command)
                answer = self.reply(command)
                if answer is not None:
                    self.send_json({"response": True, "token": command["token"], **answer})

    def send(self, data: bytes) -> None:
        assert self._writer is not None, "no client connected"
        self._writer.write(data)

    def send_json(self, message: dict[str, Any]) -> None:
        self.send(encode(json.dumps(message).encode()))

    def event(self, type_: str, call_id: str, *, number: str = PRIYA, direction: str = "incoming") -> bytes:
        return encode(json.dumps({
            "event": True, "class": "call", "type": type_, "accountaor": "sip:me@127.0.0.1:5060",
            "direction": direction, "peeruri": f"sip:{number}@127.0.0.1:5072", "id": call_id, "param": "",
        }).encode())

    async def next_command(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.commands.get(), WAIT)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBaresip]:
    server = FakeBaresip()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def task_errors() -> list[BaseException]:
    """Errors of the runtime's background tasks."""
    return []


@pytest.fixture
async def running(rw_env: RwEnv, fake: FakeBaresip,
                  task_errors: list[BaseException]) -> AsyncIterator[tuple[Runtime, Recorder, BaresipSource]]:
    recorder = Recorder()
    settings = rw_env.settings().model_copy(update={
        "sources": [BaresipSourceSettings(kind="baresip", address=f"127.0.0.1:{fake.port}")]})
    rt = Runtime(paths=paths.resolve(), settings=settings, listener=recorder, secrets=rw_env.secrets,
                 on_error=task_errors.append)
    await rt.start()
    (source,) = rt.sources
    assert isinstance(source, BaresipSource)
    await asyncio.wait_for(source.wait_connected(), WAIT)
    yield rt, recorder, source
    await rt.stop()


async def test_an_incoming_call_pops_a_card_with_baresips_call_id(
    running: tuple[Runtime, Recorder, BaresipSource], fake: FakeBaresip
) -> None:
    _, rec, source = running
    assert source.name == "baresip" and source.connected
    frame = fake.event("CALL_INCOMING", "c1")
    # Garbage first, then the frame in three pieces, as a slow socket might deliver it.
    fake.send(b"\r\nnoise")
    fake.send(frame[:5])
    fake.send(frame[5:40])
    fake.send(frame[40:])
    view = await rec.view(lambda v: v.call_id == "c1" and v.complete, WAIT)
    assert view.state is CallState.RINGING and view.direction is Direction.INBOUND
    assert view.can_answer  # the card offers Answer / Hang up for softphone calls
    assert view.matches[0].name == "Priya Raman"


async def test_several_frames_in_one_write_and_unreadable_messages_between(
    running: tuple[Runtime, Recorder, BaresipSource], fake: FakeBaresip
) -> None:
    _, rec, _ = running
    fake.send(encode(b"not json") + encode(b"[]") + fake.event("CALL_INCOMING", "c2")
              + encode(b'{"event":true,"class":"call"}') + fake.event("CALL_ESTABLISHED", "c2"))
    view = await rec.view(lambda v: v.call_id == "c2" and v.state is CallState.ANSWERED, WAIT)
    assert view.number == PRIYA


async def test_answer_and_hang_up_select_the_call_then_act_on_it(
    running: tuple[Runtime, Recorder, BaresipSource], fake: FakeBaresip
) -> None:
    rt, rec, _ = running
    fake.send(fake.event("CALL_INCOMING", "c3"))
    await rec.view(lambda v: v.call_id == "c3", WAIT)

    rt.controls.answer("c3")
    assert [(c["command"], c["params"]) for c in (await fake.next_command(), await fake.next_command())] == [
        ("callfind", "c3"), ("accept", "c3")]
    fake.send(fake.event("CALL_ESTABLISHED", "c3"))
    await rec.view(lambda v: v.call_id == "c3" and v.state is CallState.ANSWERED, WAIT)

    rt.controls.hang_up("c3")
    assert [(c["command"], c["params"]) for c in (await fake.next_command(), await fake.next_command())] == [
        ("callfind", "c3"), ("hangup", "c3")]
    fake.send(fake.event("CALL_CLOSED", "c3"))
    await rec.view(lambda v: v.call_id == "c3" and v.state is CallState.ENDED, WAIT)
    assert [v.call_id for v in rec.note_requests] == ["c3"]


async def test_answering_a_call_the_softphone_no_longer_has_says_so(
    running: tuple[Runtime, Recorder, BaresipSource], fake: FakeBaresip, task_errors: list[BaseException]
) -> None:
    rt, rec, source = running
    errors = task_errors
    fake.send(fake.event("CALL_INCOMING", "c4"))
    await rec.view(lambda v: v.call_id == "c4", WAIT)
    fake.reply = lambda c: {"ok": True, "data": "call not found (id=c4)\n"} if c["command"] == "callfind" else {
        "ok": True}
    rt.controls.answer("c4")
    await until(lambda: errors, WAIT, "the answer to fail")
    (error,) = errors
    assert isinstance(error, Rejected) and "no longer on the softphone" in str(error)
    # baresip 1.0 without any call doesn't even know the command
    fake.reply = lambda c: {"ok": False, "data": "command not found (callfind)\n"}
    with pytest.raises(Rejected, match="no longer on the softphone"):
        await source.hang_up("c4")


async def test_responses_are_matched_to_commands_by_token(
    running: tuple[Runtime, Recorder, BaresipSource], fake: FakeBaresip
) -> None:
    _, _, source = running
    held: list[dict[str, Any]] = []

    def hold(command: dict[str, Any]) -> None:  # answer later, in reverse order
        held.append(command)

    fake.reply = hold
    first = asyncio.ensure_future(source.command("first"))
    second = asyncio.ensure_future(source.command("second"))
    await until(lambda: len(held) == 2, WAIT, "both commands to arrive")
    for command in reversed(held):
        fake.send_json({"response": True, "ok": True, "data": command["command"], "token": command["token"]})
        fake.send_json({"response": True, "ok": True, "data": "stray", "token": "nobody-asked"})
    assert (await first).data == "first"
    assert (await second).data == "second"


async def test_dial_sends_the_uri_and_the_outgoing_call_rings_as_outbound(
    running: tuple[Runtime, Recorder, BaresipSource], fake: FakeBaresip
) -> None:
    _, rec, source = running
    await source.dial(f"sip:{PRIYA}@127.0.0.1:5072")
    command = await fake.next_command()
    assert (command["command"], command["params"]) == ("dial", f"sip:{PRIYA}@127.0.0.1:5072")
    fake.send(fake.event("CALL_RINGING", "out1", direction="outgoing"))
    view = await rec.view(lambda v: v.call_id == "out1", WAIT)
    assert view.direction is Direction.OUTBOUND and view.state is CallState.RINGING
    with pytest.raises(Rejected, match="not something baresip can dial"):
        await source.dial("sip:a b@c")
    fake.reply = lambda c: {"ok": False, "data": "invalid uri"}
    with pytest.raises(Rejected, match="invalid uri"):
        await source.dial("sip:nope")


async def test_an_oversized_frame_drops_the_connection_and_it_comes_back(
    running: tuple[Runtime, Recorder, BaresipSource], fake: FakeBaresip
) -> None:
    _, rec, source = running
    fake.send(b"99999999999:")
    await until(lambda: fake.connections == 2 and source.connected, WAIT, "a reconnection")
    texts = [text for text, _ in rec.messages]
    assert any("unreadable data" in t for t in texts) and any("connected again" in t for t in texts)
    fake.send(fake.event("CALL_INCOMING", "c5"))
    await rec.view(lambda v: v.call_id == "c5", WAIT)


async def test_when_baresip_restarts_calls_end_and_it_reconnects(
    running: tuple[Runtime, Recorder, BaresipSource], fake: FakeBaresip
) -> None:
    rt, rec, source = running
    fake.send(fake.event("CALL_INCOMING", "c6"))
    await rec.view(lambda v: v.call_id == "c6", WAIT)

    await fake.stop()
    await until(lambda: not source.connected, WAIT, "the disconnection")
    assert rt.switchboard.session("c6") is not None and not rt.switchboard.session("c6").open  # type: ignore[union-attr]
    errors = [text for text, error in rec.messages if error]
    assert len(errors) == 1 and "is not connected" in errors[0] and f"127.0.0.1:{fake.port}" in errors[0]
    with pytest.raises(Unavailable, match="not connected"):
        await source.answer("c6")

    await fake.start(fake.port)
    await asyncio.wait_for(source.wait_connected(), WAIT)
    away = f"baresip at 127.0.0.1:{fake.port}"
    shown = [detail for _state, detail in rec.tray]
    went = next(i for i, detail in enumerate(shown) if away in detail)  # the tray said it was away…
    assert any(away not in detail for detail in shown[went:])  # …and stopped saying so once it was back
    assert away not in shown[-1]
    assert [text for text, error in rec.messages if error] == errors  # said once, not per attempt
    assert rec.messages[-1] == (f"The softphone (baresip at 127.0.0.1:{fake.port}) is connected again.", False)


async def test_a_softphone_that_is_not_running_is_reported_once() -> None:
    rec = Recorder()
    source = BaresipSource(f"127.0.0.1:{closed_port()}", lambda e: None, notify=rec.message, backoff=(0.01, 0.02))
    await source.start()
    try:
        await until(lambda: source.attempts >= 3, WAIT, "several attempts")
    finally:
        await source.stop()
    assert not source.connected
    (message,) = rec.messages
    assert message[1] is True and "is not connected" in message[0] and "Ringside keeps trying" in message[0]
