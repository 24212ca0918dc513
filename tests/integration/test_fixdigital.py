"""The FixDigital connector and emulator: incomingCall on ring, incomingCallAnswered on answer, exactly
{"success":true,"result":[]} back, and the emulator as strict as the seed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from app.core.models import CallEvent, CallNotice, Direction, EventType
from app.crm.fixdigital.connector import FixDigitalConnector
from app.crm.fixdigital.settings import FixDigitalAccount
from app.crm.registry import build_connector
from app.errors import BadResponse, Rejected, Unavailable
from app.sandbox.faults import FaultKind
from app.sandbox.fixdigital.server import DEMO_CLIENT_ID, DEMO_EXTENSION
from app.storage.secrets import KeyringSecrets, MemoryKeyring
from tests.integration.conftest import closed_port
from tests.sandboxes import FdSandbox
from tests.support import caller

PRIYA = "+61491570006"

@pytest.fixture
def fd_connector(fd_sandbox: FdSandbox, http_clients: Callable[..., httpx.AsyncClient]) -> FixDigitalConnector:
    account = FixDigitalAccount(kind="fixdigital", id="fd", api_url=fd_sandbox[1].url, client_id=DEMO_CLIENT_ID,
                                extension=DEMO_EXTENSION)
    return FixDigitalConnector(account, http_clients(timeout=5))


def notice(kind: EventType, direction: Direction = Direction.INBOUND, call_id: str = "c1") -> CallNotice:
    now = datetime.now(UTC)
    return CallNotice(type=kind, number=caller(PRIYA), direction=direction, call_id=call_id, source="test", at=now,
                      started_at=now, answered_at=now if kind is not EventType.RING else None)


async def test_registry_builds_a_connector_that_only_notifies(
    fd_connector: FixDigitalConnector, http_clients: Callable[..., httpx.AsyncClient]
) -> None:
    built = build_connector(fd_connector.account, http_clients(), KeyringSecrets(backend=MemoryKeyring()))
    assert isinstance(built, FixDigitalConnector)
    assert built.capabilities.notify and not built.capabilities.lookup and not built.capabilities.log_call
    assert await built.lookup(caller(PRIYA)) == []


async def test_ring_and_answer_tell_fixdigital_in_the_seeds_format(
    fd_sandbox: FdSandbox, fd_connector: FixDigitalConnector
) -> None:
    sandbox, _ = fd_sandbox
    for kind in (EventType.RING, EventType.ANSWER, EventType.HANGUP):
        await fd_connector.notify(notice(kind))
    assert sandbox.notices() == [
        {"operation": "incomingCall", "sExt": "777", "sNumber": "0491570006", "ClientId": "10"},
        {"operation": "incomingCallAnswered", "sExt": "777", "sNumber": "0491570006", "ClientId": "10"},
    ]
    assert [e.method for e in sandbox.journal.entries("/webservice.php")] == ["GET", "GET"]


async def test_an_answer_never_overtakes_its_ring(fd_sandbox: FdSandbox, fd_connector: FixDigitalConnector) -> None:
    sandbox, _ = fd_sandbox
    sandbox.faults.set_latency(0.2, "/webservice.php")
    await asyncio.gather(fd_connector.notify(notice(EventType.RING)),
                         fd_connector.notify(notice(EventType.ANSWER)))
    assert [n["operation"] for n in sandbox.notices()] == ["incomingCall", "incomingCallAnswered"]


async def test_outbound_calls_are_not_told(fd_sandbox: FdSandbox, fd_connector: FixDigitalConnector) -> None:
    await fd_connector.notify(notice(EventType.RING, Direction.OUTBOUND))
    await fd_connector.notify(CallEvent(type=EventType.RING, number=caller(PRIYA), direction=Direction.OUTBOUND,
                                        at=datetime.now(UTC)))
    assert fd_sandbox[0].journal.entries("/webservice.php") == []


async def test_a_refusal_is_an_error_in_words(fd_sandbox: FdSandbox, http_clients: Callable[..., httpx.AsyncClient],
                                              fd_connector: FixDigitalConnector) -> None:
    wrong = FixDigitalConnector(fd_connector.account.model_copy(update={"client_id": "11"}), http_clients())
    refused = r"FixDigital \(account 'fd', [^)]+\) refused Ringside's call notice: ClientId is missing or wrong"
    with pytest.raises(Rejected, match=refused):
        await wrong.notify(notice(EventType.RING))


@pytest.mark.parametrize("kind", [FaultKind.HTML, FaultKind.WRONG_SHAPE, FaultKind.MALFORMED])
async def test_anything_without_success_true_is_an_error(
    fd_sandbox: FdSandbox, fd_connector: FixDigitalConnector, kind: FaultKind
) -> None:
    fd_sandbox[0].faults.inject("/webservice.php", kind)
    with pytest.raises(BadResponse, match=r"FixDigital \(account 'fd', [^)]+\) answered"):
        await fd_connector.notify(notice(EventType.RING))


async def test_an_unreachable_crm_is_unavailable(http_clients: Callable[..., httpx.AsyncClient]) -> None:
    account = FixDigitalAccount(kind="fixdigital", id="fd", api_url=f"http://127.0.0.1:{closed_port()}",
                                client_id="10", extension="777")
    with pytest.raises(Unavailable, match="Can't reach FixDigital"):
        await FixDigitalConnector(account, http_clients()).notify(notice(EventType.RING))


@pytest.mark.parametrize(("query", "code"), [
    ({"operation": "hangup", "sExt": "777", "sNumber": "0491570006", "ClientId": "10"}, "INVALID_OPERATION"),
    ({"sExt": "777", "sNumber": "0491570006", "ClientId": "10"}, "MISSING_OPERATION"),
    ({"operation": "incomingCall", "sExt": "778", "sNumber": "0491570006", "ClientId": "10"}, "INVALID_PARAMETER"),
    ({"operation": "incomingCall", "sExt": "777", "sNumber": "+61491570006", "ClientId": "10"}, "INVALID_PARAMETER"),
    ({"operation": "incomingCall", "sExt": "777", "sNumber": "0491570006", "ClientId": "9"}, "ACCESS_DENIED"),
])
def test_the_emulator_validates_every_parameter(fd_sandbox: FdSandbox, query: dict[str, str], code: str) -> None:
    answer = httpx.get(fd_sandbox[1].url + "/webservice.php", params=query)
    assert answer.status_code == 200 and answer.json()["success"] is False
    assert answer.json()["error"]["code"] == code
    assert fd_sandbox[0].notices() == []


def test_the_emulator_takes_get_only(fd_sandbox: FdSandbox) -> None:
    answer = httpx.post(fd_sandbox[1].url + "/webservice.php", data={"operation": "incomingCall"})
    assert answer.status_code == 405
