"""FixDigital: the call notices the connector sends match the questionnaire's own examples
(goldens_fixdigital.py), and the emulator accepts those examples and refuses what they rule out."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest

from app.core.models import CallNotice, Direction, EventType
from app.crm.fixdigital.connector import FixDigitalConnector
from app.crm.fixdigital.settings import FixDigitalAccount
from tests.contract import goldens_fixdigital as g
from tests.contract.conftest import FdSandbox
from tests.contract.shape import Golden, problems
from tests.support import caller

PHONE = "+61491570006"


async def test_every_notice_the_connector_sends_matches_its_golden(
    fd_sandbox: FdSandbox, client: httpx.AsyncClient
) -> None:
    sandbox, server = fd_sandbox
    account = FixDigitalAccount(kind="fixdigital", id="fd", api_url=server.url, client_id="10", extension="777")
    connector = FixDigitalConnector(account, client)
    now = datetime.now(UTC)
    for kind in (EventType.RING, EventType.ANSWER):
        await connector.notify(CallNotice(type=kind, number=caller(PHONE), direction=Direction.INBOUND, call_id="c-1",
                                          at=now, started_at=now))
    entries = sandbox.journal.entries("/webservice.php")
    assert [e.query["operation"] for e in entries] == ["incomingCall", "incomingCallAnswered"]
    for entry, golden in zip(entries, g.ALL, strict=True):
        assert problems(golden, entry) == [], golden.reference
        assert set(entry.query) == set(golden.query)  # all four, with the seed's casing
        assert re.fullmatch(g.NATIONAL_DIGITS, entry.query["sNumber"])
        assert (entry.query["sExt"], entry.query["ClientId"]) == ("777", "10")


@pytest.mark.parametrize("golden", g.ALL, ids=lambda x: x.name)
def test_the_emulator_accepts_the_seeds_examples(fd_sandbox: FdSandbox, golden: Golden) -> None:
    answer = httpx.get(fd_sandbox[1].url + "/webservice.php", params=golden.query)
    assert answer.status_code == 200 and answer.json() == {"success": True, "result": []}


@pytest.mark.parametrize(("what", "query"), [
    ("an international number", g.INCOMING_CALL.query | {"sNumber": "+97233004799"}),
    ("another casing of ClientId", {k if k != "ClientId" else "clientId": v for k, v in g.INCOMING_CALL.query.items()}),
    ("another casing of the operation", g.INCOMING_CALL.query | {"operation": "incomingcall"}),
])
def test_the_emulator_refuses_what_the_seed_rules_out(fd_sandbox: FdSandbox, what: str, query: dict[str, str]) -> None:
    answer = httpx.get(fd_sandbox[1].url + "/webservice.php", params=query)
    assert answer.json()["success"] is False, what
    assert fd_sandbox[0].notices() == []


def test_the_emulator_takes_the_seeds_get_only(fd_sandbox: FdSandbox) -> None:
    answer = httpx.post(fd_sandbox[1].url + "/webservice.php", data=g.INCOMING_CALL.query)
    assert answer.status_code == 405
