"""Hostile answers to what Ringside sends on its own (call events, call history uploads): a redirect
only delays an upload, and a server dripping its answer is cut off at the request's deadline."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from app.crm._shared.answers import BoundedClient
from app.crm.retailcrm.connector import RetailCrmConnector
from app.crm.retailcrm.settings import RetailCrmAccount
from app.crm.retailcrm.upload_queue import REFUSED
from app.errors import Unavailable
from app.sandbox.faults import FaultKind
from app.storage.secrets import KeyringSecrets
from tests.integration.conftest import RcSandbox
from tests.integration.test_retailcrm_connector import API, PRIYA, notices, whole_call

UPLOAD = API + "/telephony/calls/upload"
EVENT = API + "/telephony/call/event"


@pytest.fixture
async def connector(rc_account: RetailCrmAccount, rc_secrets: KeyringSecrets) -> AsyncIterator[RetailCrmConnector]:
    async with BoundedClient(deadline_s=1.0, timeout=5.0) as client:
        made = RetailCrmConnector(rc_account, client, rc_secrets)
        yield made
        await made.aclose()


async def test_a_redirected_upload_waits_and_goes_later(rc_sandbox: RcSandbox, connector: RetailCrmConnector) -> None:
    sandbox, _ = rc_sandbox
    sandbox.faults.inject(UPLOAD, FaultKind.REDIRECT)
    await whole_call(connector, notices("redirected"))
    assert connector.queue.count("rc") == 1  # still to send,
    assert connector.queue.count("rc", REFUSED) == 0  # not refused for good
    assert await connector.flush_uploads() == 1
    assert [c["externalId"] for c in sandbox.calls()] == ["redirected"]
    assert [e.status for e in sandbox.journal.entries(UPLOAD)] == [302, 200]


async def test_a_redirected_single_call_is_not_refused_either(
        rc_sandbox: RcSandbox, connector: RetailCrmConnector) -> None:
    sandbox, _ = rc_sandbox
    good = {"date": "2024-05-01 14:03:00", "type": "in", "phone": PRIYA, "code": "101", "result": "answered"}
    connector.queue.add("rc", "one", good | {"externalId": "one"})
    connector.queue.add("rc", "two", good | {"externalId": "two"})
    sandbox.faults.inject(UPLOAD, FaultKind.REDIRECT, count=3)
    assert await connector.flush_uploads() == 0
    assert connector.queue.count("rc") == 2 and connector.queue.count("rc", REFUSED) == 0


async def test_a_dripping_call_event_is_cut_off_at_the_deadline(
        rc_sandbox: RcSandbox, connector: RetailCrmConnector) -> None:
    sandbox, _ = rc_sandbox
    sandbox.faults.inject(EVENT, FaultKind.DRIP)
    started = time.monotonic()
    with pytest.raises(Unavailable, match="took too long"):
        await connector.notify(notices("dripped")[0])
    assert time.monotonic() - started < 4.0  # deadline 1 s; httpx's per-read timeout (5 s) never trips
    assert sandbox.faults.wait_hanging(0)


async def test_a_dripping_upload_is_cut_off_and_kept(rc_sandbox: RcSandbox, connector: RetailCrmConnector) -> None:
    sandbox, _ = rc_sandbox
    sandbox.faults.inject(UPLOAD, FaultKind.DRIP)
    started = time.monotonic()
    await whole_call(connector, notices("dripped-upload"))
    assert time.monotonic() - started < 4.0
    assert connector.queue.count("rc") == 1 and connector.queue.count("rc", REFUSED) == 0
