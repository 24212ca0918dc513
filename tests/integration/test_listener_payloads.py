"""Any JSON, any bytes, to the webhook and the instance door: an answer in 2xx or 4xx, never a 5xx
(deeply nested JSON included: 400 with a clear message, not a RecursionError). The door is asked the
way `ringside event` asks it (one JSON line, the bytes as its body) and with the bytes as the line."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.runtime.instance import Handlers, InstanceServer
from app.telephony.webhook import WebhookServer
from tests.integration.conftest import closed_port

TOKEN = "a-webhook-token-of-some-length"
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20)
EVENTISH = st.fixed_dictionaries({}, optional={
    "type": st.sampled_from(["ring", "answer", "hangup", "x", ""]) | st.integers(),
    "number": st.sampled_from(["0491570006", "+61491570006", "", "abc"]) | JSON,
    "direction": st.sampled_from(["inbound", "outbound", ""]) | JSON,
    "call_id": st.text(max_size=10) | JSON,
    "extra": JSON,
})
DEEP = st.integers(min_value=65, max_value=50_000).map(lambda n: "[" * n + "]" * n)


class Listeners:
    """The webhook and the door on a loop of their own, so Hypothesis can drive them synchronously."""

    def __init__(self, data_dir: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        async def stored(call_id: str) -> str:
            return call_id

        self.webhook = WebhookServer(f"127.0.0.1:{closed_port()}", TOKEN, lambda _: stored("call-1"), lambda: "AU")

        async def changed(_: str | None) -> None:
            return None

        async def dial(_: str, _show_errors: bool) -> str:
            return "call-2"

        self.door = InstanceServer(data_dir / "instance.json", Handlers(
            event=lambda _: stored("call-3"), show=lambda: None, accounts_changed=changed, default_region=lambda: "AU",
            dial=dial))

    def call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)


@pytest.fixture(scope="module")
def listeners(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Listeners]:
    folder = tmp_path_factory.mktemp("door")
    ls = Listeners(folder)
    ls.thread.start()
    ls.call(ls.webhook.start())
    ls.call(ls.door.start())
    assert "socket" in json.loads((folder / "instance.json").read_text())
    yield ls
    ls.call(ls.webhook.stop())
    ls.call(ls.door.stop())
    ls.loop.call_soon_threadsafe(ls.loop.stop)
    ls.thread.join(5)


@dataclass
class Answer:
    status_code: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


def _ask_door(ls: Listeners, line: bytes) -> Answer:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(10)
        conn.connect(ls.door.address)
        conn.sendall(line + b"\n")
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    return Answer(json.loads(received)["status"], received.decode())


def _send(ls: Listeners, body: bytes) -> list[Answer]:
    webhook = httpx.post(ls.webhook.url, content=body, headers={"Authorization": f"Bearer {TOKEN}"})
    answers = [Answer(webhook.status_code, webhook.text), _ask_door(ls, body.replace(b"\n", b" "))]
    for op in ("events", "dial", "accounts-changed"):
        answers.append(_ask_door(ls, b'{"op": "' + op.encode() + b'", "body": ' + body.replace(b"\n", b" ") + b"}"))
    return answers


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(JSON | EVENTISH)
def test_any_json_body_is_answered_2xx_or_4xx(listeners: Listeners, body: object) -> None:
    for answer in _send(listeners, json.dumps(body).encode()):
        assert answer.status_code < 500, answer.text


@FAST
@given(st.binary(max_size=300))
def test_any_bytes_are_answered_2xx_or_4xx(listeners: Listeners, body: bytes) -> None:
    for answer in _send(listeners, body):
        assert answer.status_code < 500, answer.text


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(DEEP)
def test_deeply_nested_json_is_a_clear_400(listeners: Listeners, body: str) -> None:
    for answer in _send(listeners, body.encode()):
        assert answer.status_code in (400, 413), answer.text
        if answer.status_code == 400:
            assert "nested deeper than 64 levels" in answer.json()["error"]
