"""The instance door: what `ringside event`, a second `ringside` and `account connect` send reaches the
handlers, over the unix socket (POSIX) and over TCP with its token (Windows); bad requests are refused
with a clear message and the door keeps answering."""

from __future__ import annotations

import asyncio
import json
import socket
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.core.models import CallEvent
from app.errors import InvalidNumber, RingsideError
from app.runtime.instance import Handlers, InstanceClient, InstanceServer, NoInstance
from tests.support import until


class Seen:
    def __init__(self) -> None:
        self.events: list[CallEvent] = []
        self.shown = 0
        self.changed: list[str | None] = []
        self.dialled: list[tuple[str, bool]] = []

    def handlers(self) -> Handlers:
        async def changed(account_id: str | None) -> None:
            self.changed.append(account_id)

        async def dial(number: str, show_errors: bool) -> str:
            if number == "busy":
                raise RingsideError("The softphone is not connected.")
            self.dialled.append((number, show_errors))
            return "call-9"

        async def event(e: CallEvent) -> str:
            self.events.append(e)
            return "call-1"

        def show() -> None:
            self.shown += 1

        return Handlers(event=event, show=show, accounts_changed=changed, default_region=lambda: "AU", dial=dial)


@pytest.fixture(params=[True, False], ids=["unix", "tcp"])
async def door(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[InstanceServer, Seen, Path]]:
    seen = Seen()
    server = InstanceServer(tmp_path / "instance.json", seen.handlers(), use_unix=request.param)
    await server.start()
    yield server, seen, tmp_path / "instance.json"
    await server.stop()


async def test_every_request_reaches_its_handler(door: tuple[InstanceServer, Seen, Path]) -> None:
    _, seen, file = door
    client = InstanceClient(file)
    assert await asyncio.to_thread(client.alive)
    assert await asyncio.to_thread(client.send_event, "ring", "0491 570 006", "inbound", "c1") == "call-1"
    assert str(seen.events[0].number.e164) == "+61491570006" and seen.events[0].source == "cli"
    await asyncio.to_thread(client.show)
    await asyncio.to_thread(client.accounts_changed, "rw")
    assert await asyncio.to_thread(lambda: client.dial("0491570006", show_errors=False)) == "call-9"
    assert (seen.shown, seen.changed, seen.dialled) == (1, ["rw"], [("0491570006", False)])


async def test_refusals_say_why_and_the_door_keeps_answering(door: tuple[InstanceServer, Seen, Path]) -> None:
    _, seen, file = door
    client = InstanceClient(file)
    with pytest.raises(InvalidNumber, match="not"):
        await asyncio.to_thread(client.send_event, "ring", "abc", "inbound", None)
    with pytest.raises(RingsideError, match="type"):
        await asyncio.to_thread(client.send_event, "buzz", "0491570006", "inbound", None)
    with pytest.raises(RingsideError, match="softphone is not connected"):
        await asyncio.to_thread(client.dial, "busy")
    answer = await asyncio.to_thread(client.request, "dial", {"number": 5, "extra": 1})
    assert answer["status"] == 400 and "number:" in answer["error"] and "extra:" in answer["error"]
    answer = await asyncio.to_thread(client.request, "unlock")
    assert (answer["status"], answer["error"]) == (404, "no such request: 'unlock'")
    assert not seen.events
    assert await asyncio.to_thread(client.alive)


def _raw(server: InstanceServer, line: bytes) -> dict[str, object]:
    if server.port:
        conn = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    else:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(10)
        conn.connect(server.address)
    with conn:
        conn.sendall(line)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    answer: dict[str, object] = json.loads(received)
    return answer


@pytest.mark.parametrize(("line", "status", "says"), [
    (b"not json\n", 400, "request: not a JSON object"),
    (b"[1, 2]\n", 400, "request: not a JSON object"),
    (b"[" * 100 + b"]" * 100 + b"\n", 400, "nested deeper than 64 levels"),
    (b'{"op": "events", "body": "' + b"x" * 20_000 + b'"}\n', 413, "request over 16 KB"),
])
async def test_garbage_is_a_clear_refusal(door: tuple[InstanceServer, Seen, Path], line: bytes, status: int,
                                          says: str) -> None:
    server, _, file = door
    answer = await asyncio.to_thread(_raw, server, line)
    assert answer["status"] == status and says in str(answer["error"]) and answer["ok"] is False
    assert await asyncio.to_thread(InstanceClient(file).alive)


async def test_tcp_wants_the_token_and_unix_keeps_other_users_out(door: tuple[InstanceServer, Seen, Path]) -> None:
    server, _, file = door
    info = json.loads(file.read_text())
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    if server.port:
        answer = await asyncio.to_thread(_raw, server, b'{"op": "ping", "token": "guess"}\n')
        assert (answer["status"], answer["error"]) == (401, "missing or wrong token")
        assert info["port"] == server.port and info["token"]
    else:
        path = Path(info["socket"])
        assert str(path) == server.address and "token" not in info
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700  # nobody else can reach the socket


async def test_stopping_removes_the_file_and_the_socket(tmp_path: Path) -> None:
    server = InstanceServer(tmp_path / "instance.json", Seen().handlers(), use_unix=True)
    await server.start()
    socket_path = Path(server.address)
    await server.stop()
    assert not (tmp_path / "instance.json").exists() and not socket_path.exists()
    with pytest.raises(NoInstance):
        InstanceClient(tmp_path / "instance.json")


async def test_a_long_data_folder_puts_the_socket_in_a_private_temporary_folder(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 120)
    deep.mkdir()
    server = InstanceServer(deep / "instance.json", Seen().handlers(), use_unix=True)
    await server.start()
    try:
        assert len(server.address) <= 100
        assert await asyncio.to_thread(InstanceClient(deep / "instance.json").alive)
    finally:
        await server.stop()
    assert not Path(server.address).parent.exists()


def test_nobody_at_the_door_is_no_instance(tmp_path: Path) -> None:
    (tmp_path / "instance.json").write_text(json.dumps({"socket": str(tmp_path / "gone.sock"), "pid": 1}))
    client = InstanceClient(tmp_path / "instance.json")
    assert not client.alive()
    with pytest.raises(NoInstance):
        client.show()


async def test_a_door_opened_before_the_app_is_built_answers_pings_and_holds_requests(tmp_path: Path) -> None:
    """The app opens its door while it is still loading: a second `ringside` sees it is running at
    once, and an event sent then is handled (not refused, not lost) once the app is built."""
    seen = Seen()
    server = InstanceServer(tmp_path / "instance.json")
    await server.start()
    try:
        client = InstanceClient(tmp_path / "instance.json")
        assert await asyncio.to_thread(client.alive)
        sent = asyncio.ensure_future(asyncio.to_thread(client.send_event, "ring", "0491 570 006", "inbound", "c1"))
        shown = asyncio.ensure_future(asyncio.to_thread(client.show))
        await until(lambda: server.connections == 2, what="both requests at the door")
        await asyncio.sleep(0)
        assert not sent.done() and not shown.done() and seen.events == [] and seen.shown == 0  # held
        server.attach(seen.handlers())
        assert await sent == "call-1" and str(seen.events[0].number.e164) == "+61491570006"
        await shown
        assert seen.shown == 1
    finally:
        await server.stop()
