"""The retailCRM connector against its emulator on a real loopback socket: lookup, notes, call events,
call-history uploads (idempotent, batched after an outage, durable), errors and registration."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.core.models import CallNotice, Direction, EventType, NoteDraft, Record, RecordType
from app.core.ports import Connector
from app.crm.registry import build_connector
from app.crm.retailcrm import connector as retailcrm_mod
from app.crm.retailcrm import http as rc_http
from app.crm.retailcrm.connector import RetailCrmConnector
from app.crm.retailcrm.settings import RetailCrmAccount
from app.crm.retailcrm.upload_queue import REFUSED, UploadQueue
from app.errors import NeedsSignIn, RateLimited, Rejected
from app.sandbox.demo_data import UNKNOWN_NUMBER, DemoData, load_demo
from app.sandbox.faults import FaultKind
from app.sandbox.retailcrm.server import RetailCrmSandbox
from app.sandbox.retailcrm.store import RECRUITER_CODE, RECRUITER_ID
from app.sandbox.runner import SandboxServer
from app.storage.secrets import KeyringSecrets
from tests.integration.conftest import RcConnectorFactory, RcSandbox
from tests.support import caller, until

PRIYA = "+61491570006"  # customer 2101, manager Alex Morgan, a last order
TOM = "+61491570067"  # customer 2112, looked after by a colleague without an extension code
API = "/api/v5"
START = datetime(2024, 5, 1, 11, 3, 0, tzinfo=UTC)  # 14:03:00 in the account's zone (UTC+3)


def notices(call_id: str = "call-1", *, direction: Direction = Direction.INBOUND, answer_after: int | None = 5,
            talk: int = 60, number: str = PRIYA) -> list[CallNotice]:
    """ring, (answer), hang-up notices as the switchboard sends them."""
    answered = START + timedelta(seconds=answer_after) if answer_after is not None else None
    ended = (answered or START + timedelta(seconds=20)) + timedelta(seconds=talk if answered else 0)
    common: dict[str, Any] = {"number": caller(number), "direction": direction, "call_id": call_id, "source": "test",
                              "started_at": START}
    steps = [CallNotice(type=EventType.RING, at=START, **common)]
    if answered is not None:
        steps.append(CallNotice(type=EventType.ANSWER, at=answered, answered_at=answered, **common))
    steps.append(CallNotice(type=EventType.HANGUP, at=ended, answered_at=answered, ended_at=ended, **common))
    return steps


async def whole_call(connector: RetailCrmConnector, steps: list[CallNotice]) -> None:
    for step in steps:
        await connector.notify(step)


def forms(sandbox: RetailCrmSandbox, path: str) -> list[dict[str, Any]]:
    return [{k: json.loads(v) if k in {"event", "calls", "note", "integrationModule"} else v
             for k, v in (e.form or {}).items()} for e in sandbox.journal.entries(API + path)]


@pytest.fixture
async def connector(rc_connector: RcConnectorFactory) -> Any:
    made = rc_connector()
    yield made
    await made.aclose()


# -- lookup ------------------------------------------------------------------------------------------


async def test_registry_builds_it_with_lookup_notes_and_notices(
    rc_account: RetailCrmAccount, rc_secrets: KeyringSecrets, http_clients: Callable[..., httpx.AsyncClient]
) -> None:
    built = build_connector(rc_account, http_clients(), rc_secrets)
    assert isinstance(built, RetailCrmConnector) and isinstance(built, Connector)
    caps = built.capabilities
    assert caps.lookup and caps.log_call and caps.notify and not caps.open_jobs and not caps.sign_in
    assert built.label == "retailCRM"


async def test_lookup_shows_the_customer_their_manager_and_links(
    rc_sandbox: RcSandbox, connector: RetailCrmConnector
) -> None:
    sandbox, server = rc_sandbox
    [record] = await connector.lookup(caller(PRIYA))
    assert (record.type, record.id, record.name) == (RecordType.CUSTOMER, "2101", "Priya Raman")
    assert record.link == f"{server.url}/customers/2101"
    assert record.note == "Manager: Alex Morgan"
    assert record.extra_links == (("Last order", f"{server.url}/orders/31001/edit"),
                                  ("New order", f"{server.url}/orders/add?customerId=2101"))
    [entry] = sandbox.journal.entries(API)  # one request: no search was needed
    assert (entry.method, entry.path, entry.query) == ("GET", API + "/telephony/manager",
                                                       {"phone": PRIYA, "details": "1", "ignoreStatus": "1"})
    assert entry.headers["x-api-key"] == "<redacted>" and entry.headers["accept"] == "application/json"


async def test_the_responsible_manager_is_shown_whatever_their_status(
    rc_sandbox: RcSandbox, connector: RetailCrmConnector
) -> None:
    rc_sandbox[0].set_status(RECRUITER_ID, "break")  # without ignoreStatus=1 retailCRM would name nobody
    [record] = await connector.lookup(caller(PRIYA))
    assert record.name == "Priya Raman" and record.note == "Manager: Alex Morgan"
    [tom] = await connector.lookup(caller(TOM))  # his manager has no extension code: never returned
    assert tom.note == "" and [label for label, _ in tom.extra_links] == ["New order"]  # no orders yet


async def test_without_a_customer_from_the_manager_method_customers_are_searched(
    rc_account: RetailCrmAccount, rc_secrets: KeyringSecrets, http_clients: Callable[..., httpx.AsyncClient]
) -> None:
    demo = load_demo()
    shared = demo.person("tom-nguyen").model_copy(update={"phones": demo.person("priya-raman").phones})
    data = DemoData.model_validate({"_comment": "", "jobs": [], "people": [
        p.model_dump() for p in (demo.person("priya-raman"), shared)]})
    sandbox = RetailCrmSandbox(data)
    with SandboxServer(sandbox.make_app) as server:
        account = rc_account.model_copy(update={"api_url": server.url})
        records = await RetailCrmConnector(account, http_clients(), rc_secrets).lookup(caller(PRIYA))
    assert [(r.id, r.name) for r in records] == [("2101", "Priya Raman"), ("2112", "Tom Nguyen")]
    assert records[1].link == f"{server.url}/customers/2112"
    search = sandbox.journal.entries(API + "/customers")[0]
    assert search.query == {"filter[name]": "491570006", "limit": "20"}  # the digits every format shares


async def test_an_unknown_number_finds_nobody(rc_sandbox: RcSandbox, connector: RetailCrmConnector) -> None:
    assert await connector.lookup(caller(UNKNOWN_NUMBER)) == []
    assert [e.path for e in rc_sandbox[0].journal.entries(API)] == [API + "/telephony/manager", API + "/customers"]


async def test_no_stored_key_asks_to_connect_and_sends_nothing(
    rc_sandbox: RcSandbox, rc_secrets: KeyringSecrets, connector: RetailCrmConnector
) -> None:
    rc_secrets.delete("rc", "apikey")
    with pytest.raises(NeedsSignIn, match="ringside account connect rc"):
        await connector.lookup(caller(PRIYA))
    assert rc_sandbox[0].journal.entries(API) == []


async def test_a_refused_key_needs_a_new_one(rc_secrets: KeyringSecrets, connector: RetailCrmConnector) -> None:
    rc_secrets.set("rc", "apikey", "an-old-revoked-key")
    with pytest.raises(NeedsSignIn, match="refused the API key") as caught:
        await connector.lookup(caller(PRIYA))
    assert "an-old-revoked-key" not in str(caught.value)


@pytest.mark.parametrize("status", [503, 429])
async def test_a_throttled_request_is_retried_with_exponential_back_off(
    rc_sandbox: RcSandbox, connector: RetailCrmConnector, monkeypatch: pytest.MonkeyPatch, status: int
) -> None:
    sandbox, _ = rc_sandbox
    monkeypatch.setattr(rc_http, "BACKOFF_BASE_S", 0.01)  # the first pause, shortened
    sandbox.faults.inject(API + "/telephony/manager", FaultKind.STATUS, status=status, count=2)
    [record] = await connector.lookup(caller(PRIYA))
    assert record.id == "2101"
    entries = sandbox.journal.entries(API + "/telephony/manager")
    assert [e.status for e in entries] == [status, status, 200]
    gaps = [b.at - a.at for a, b in itertools.pairwise(entries)]
    assert gaps[1] >= 2 * 0.01 * 0.9  # the second pause is twice the first

    sandbox.faults.inject(API + "/telephony/manager", FaultKind.STATUS, status=status, count=rc_http.ATTEMPTS,
                          retry_after=0)
    with pytest.raises(RateLimited) as caught:
        await connector.lookup(caller(PRIYA))
    assert caught.value.retry_after == 0 and "retailCRM is busy" in str(caught.value)


async def test_an_html_page_means_no_such_account(rc_sandbox: RcSandbox, connector: RetailCrmConnector) -> None:
    rc_sandbox[0].faults.inject(API, FaultKind.HTML)
    host = httpx.URL(rc_sandbox[1].url).netloc.decode()
    with pytest.raises(Rejected, match=f"(?i)this retailCRM account was not found at {host}"):
        await connector.lookup(caller(PRIYA))


# -- notes -------------------------------------------------------------------------------------------------


def _note(record: Record, text: str = "Wants two Java devs by March.") -> NoteDraft:
    return NoteDraft(call_id="call-1", account_id="rc", record=record, direction=Direction.INBOUND, text=text,
                     call_started_at=START, duration_s=60)


async def test_a_note_becomes_a_customer_note(rc_sandbox: RcSandbox, connector: RetailCrmConnector) -> None:
    sandbox, _ = rc_sandbox
    [record] = await connector.lookup(caller(PRIYA))
    receipt = await connector.log_call(_note(record))
    assert receipt.remote_id is not None and receipt.detail == "Logged in retailCRM"
    [sent] = forms(sandbox, "/customers/notes/create")
    assert sent == {"note": {"text": "Wants two Java devs by March.", "customer": {"id": 2101},
                             "managerId": RECRUITER_ID}, "site": "agency-shop"}
    assert sandbox.journal.entries(API + "/customers/notes")[0].headers["content-type"].startswith(
        "application/x-www-form-urlencoded")


async def test_a_refused_note_says_why_in_words(connector: RetailCrmConnector) -> None:
    gone = Record(account_id="rc", type=RecordType.CUSTOMER, id="9999", name="Deleted Customer")
    with pytest.raises(Rejected) as caught:
        await connector.log_call(_note(gone))
    assert str(caught.value) == ("retailCRM refused the note: Errors in the input parameters "
                                 "(note[customer]: Customer not found.)")


async def test_a_note_for_a_record_that_is_not_a_customer_is_never_sent(
    rc_sandbox: RcSandbox, connector: RetailCrmConnector
) -> None:
    contact = Record(account_id="rc", type=RecordType.CONTACT, id="5", name="Someone")
    with pytest.raises(Rejected, match="not a retailCRM customer"):
        await connector.log_call(_note(contact))
    assert rc_sandbox[0].journal.entries(API) == []


# -- call events and history -------------------------------------------------------------------------------


async def test_a_whole_call_sends_in_then_hangup_then_its_history(
    rc_sandbox: RcSandbox, connector: RetailCrmConnector
) -> None:
    sandbox, _ = rc_sandbox
    await whole_call(connector, notices())
    events = [f["event"] for f in forms(sandbox, "/telephony/call/event")]
    common = {"phone": PRIYA, "codes": [RECRUITER_CODE], "userIds": [RECRUITER_ID], "site": "agency-shop",
              "externalPhone": "+61255500250", "callExternalId": "call-1"}
    assert events == [common | {"type": "in"}, common | {"type": "hangup", "hangupStatus": "answered"}]
    [upload] = forms(sandbox, "/telephony/calls/upload")
    assert upload["calls"] == [{
        "date": "2024-05-01 14:03:00", "type": "in", "phone": PRIYA, "result": "answered", "duration": 60,
        "durationWaiting": 5, "externalId": "call-1", "code": RECRUITER_CODE, "userId": RECRUITER_ID,
        "externalPhone": "+61255500250", "site": "agency-shop", "clientId": connector.account.client_id}]
    assert set(upload) == {"calls"}  # only the documented field; clientId rides in the call entry
    assert [c["externalId"] for c in sandbox.calls()] == ["call-1"]
    assert connector.queue.count("rc") == 0


async def test_an_unanswered_outbound_call(rc_sandbox: RcSandbox, connector: RetailCrmConnector) -> None:
    sandbox, _ = rc_sandbox
    await whole_call(connector, notices(direction=Direction.OUTBOUND, answer_after=None))
    events = [f["event"] for f in forms(sandbox, "/telephony/call/event")]
    assert [(e["type"], e.get("hangupStatus")) for e in events] == [("out", None), ("hangup", "no answered")]
    [call] = sandbox.calls()
    assert (call["type"], call["result"], call["duration"], call["durationWaiting"]) == ("out", "no answer", 0, 20)


async def test_a_hangup_never_overtakes_its_ring(rc_sandbox: RcSandbox, connector: RetailCrmConnector) -> None:
    sandbox, _ = rc_sandbox
    sandbox.faults.set_latency(0.2, API + "/telephony/call/event")  # the ring's event is slow
    ring, hangup = notices(answer_after=None)
    await asyncio.gather(connector.notify(ring), connector.notify(hangup))
    assert [f["event"]["type"] for f in forms(sandbox, "/telephony/call/event")] == ["in", "hangup"]


async def test_an_answer_that_never_rang_announces_the_call_first(
    rc_sandbox: RcSandbox, connector: RetailCrmConnector
) -> None:
    _, answer, hangup = notices()
    await whole_call(connector, [answer, hangup])
    assert [f["event"]["type"] for f in forms(rc_sandbox[0], "/telephony/call/event")] == ["in", "hangup"]


async def test_uploading_the_same_call_again_changes_nothing(
    rc_sandbox: RcSandbox, connector: RetailCrmConnector
) -> None:
    sandbox, _ = rc_sandbox
    steps = notices()
    await whole_call(connector, steps)
    await connector.notify(steps[-1])  # the hang-up heard twice (a softphone repeating itself)
    assert sandbox.upload_batches() == [1, 1]
    assert len(sandbox.calls()) == 1 and connector.queue.count("rc") == 0


async def test_an_unknown_extension_code_is_said_plainly(
    rc_sandbox: RcSandbox, rc_connector: RcConnectorFactory
) -> None:
    connector = rc_connector(code="999")
    with pytest.raises(Rejected, match=r"doesn't know extension code 999.*ringside retailcrm register rc"):
        await connector.notify(notices()[0])


async def test_calls_that_could_not_be_uploaded_go_later_in_one_batch(
    rc_sandbox: RcSandbox, connector: RetailCrmConnector
) -> None:
    sandbox, _ = rc_sandbox
    sandbox.faults.inject(API + "/telephony/calls/upload", FaultKind.STATUS, status=502, count=3)
    for n in range(3):  # retailCRM's history is down: the events go through, the uploads wait
        await whole_call(connector, notices(f"down-{n}"))
    assert connector.queue.count("rc") == 3 and sandbox.calls() == []
    await whole_call(connector, notices("back-up"))
    assert sandbox.upload_batches() == [4]
    assert [c["externalId"] for c in sandbox.calls()] == ["down-0", "down-1", "down-2", "back-up"]
    assert connector.queue.count("rc") == 0


async def test_a_backlog_goes_in_batches_of_at_most_fifty(
    rc_sandbox: RcSandbox, connector: RetailCrmConnector
) -> None:
    sandbox, _ = rc_sandbox
    for n in range(120):
        connector.queue.add("rc", f"old-{n}", {"date": "2024-05-01 14:03:00", "type": "in", "phone": PRIYA,
                                               "code": RECRUITER_CODE, "result": "answered", "duration": n,
                                               "externalId": f"old-{n}"})
    assert await connector.flush_uploads() == 120
    assert sandbox.upload_batches() == [50, 50, 20]
    assert len(sandbox.calls()) == 120


async def test_one_call_retailcrm_refuses_does_not_hold_the_others_back(
    rc_sandbox: RcSandbox, connector: RetailCrmConnector
) -> None:
    sandbox, _ = rc_sandbox
    good = {"date": "2024-05-01 14:03:00", "type": "in", "phone": PRIYA, "code": RECRUITER_CODE, "result": "answered"}
    connector.queue.add("rc", "a", good | {"externalId": "a"})
    connector.queue.add("rc", "bad", good | {"externalId": "bad", "date": "yesterday"})
    connector.queue.add("rc", "c", good | {"externalId": "c"})
    await connector.flush_uploads()
    assert [c["externalId"] for c in sandbox.calls()] == ["a", "c"]
    assert connector.queue.count("rc") == 0 and connector.queue.count("rc", REFUSED) == 1
    await connector.flush_uploads()  # a refused call is not sent again
    assert len(sandbox.journal.entries(API + "/telephony/calls/upload")) == 4


async def test_queued_calls_survive_a_restart(
    rc_sandbox: RcSandbox, rc_account: RetailCrmAccount, rc_secrets: KeyringSecrets, tmp_path: Path,
    http_clients: Callable[..., httpx.AsyncClient]
) -> None:
    sandbox, _ = rc_sandbox
    database = tmp_path / "ringside.sqlite3"
    first = RetailCrmConnector(rc_account, http_clients(), rc_secrets, queue=UploadQueue(database))
    sandbox.faults.inject(API + "/telephony/calls/upload", FaultKind.RESET)
    await whole_call(first, notices("before-restart"))
    await first.aclose()
    first.queue.close()

    again = RetailCrmConnector(rc_account, http_clients(), rc_secrets, queue=UploadQueue(database))
    await again.warm_up()  # what the runtime does at start
    assert [c["externalId"] for c in sandbox.calls()] == ["before-restart"]
    assert again.queue.count("rc") == 0
    again.queue.close()


async def test_a_failed_upload_is_retried_by_itself(
    rc_sandbox: RcSandbox, connector: RetailCrmConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox, _ = rc_sandbox
    monkeypatch.setattr(retailcrm_mod.random, "uniform", lambda a, b: 0.001)  # the back-off, shortened
    sandbox.faults.inject(API + "/telephony/calls/upload", FaultKind.STATUS, status=500)
    await whole_call(connector, notices())
    await until(lambda: connector.queue.count("rc") == 0, what="the retried upload")
    assert [c["externalId"] for c in sandbox.calls()] == ["call-1"]
    assert [e.status for e in sandbox.journal.entries(API + "/telephony/calls/upload")] == [500, 200]


# -- the integration module ---------------------------------------------------------------------------------


async def test_register_creates_the_module_with_the_callback_urls(
    rc_sandbox: RcSandbox, connector: RetailCrmConnector
) -> None:
    sandbox, _ = rc_sandbox
    module = await connector.register(make_call_url="https://rs.example/retailcrm/make-call",
                                      status_url="https://rs.example/retailcrm/user-status",
                                      logo_url="https://rs.example/ringside.svg", account_url="https://rs.example")
    telephony = module["integrations"]["telephony"]
    assert telephony["makeCallUrl"] == "https://rs.example/retailcrm/make-call"
    assert telephony["additionalCodes"] == [{"userId": str(RECRUITER_ID), "code": RECRUITER_CODE}]
    assert module["clientId"] == connector.account.client_id and "clientId" not in telephony  # current layout
    assert sandbox.module() == module
    [sent] = forms(sandbox, "/integration-modules/ringside/edit")
    assert sent["integrationModule"]["integrations"]["telephony"]["changeUserStatusUrl"].endswith("/user-status")


async def test_register_needs_the_ids_first(rc_sandbox: RcSandbox, rc_connector: RcConnectorFactory) -> None:
    with pytest.raises(Rejected, match="needs client_id, code"):
        await rc_connector(client_id="", code="").register(
            make_call_url="https://x.example/a", status_url="https://x.example/b", logo_url="https://x.example/c",
            account_url="https://x.example")
    assert rc_sandbox[0].journal.entries(API) == []
