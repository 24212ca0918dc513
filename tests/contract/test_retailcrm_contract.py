"""retailCRM: every request the connector sends matches its golden (goldens_retailcrm.py), and the
emulator accepts each golden and refuses what the references forbid."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.core.models import CallNotice, Direction, EventType, NoteDraft
from app.crm.retailcrm import check
from app.crm.retailcrm.connector import RetailCrmConnector
from app.crm.retailcrm.settings import RetailCrmAccount
from app.sandbox.demo_data import UNKNOWN_NUMBER
from app.sandbox.retailcrm.server import DEMO_API_KEY
from app.sandbox.retailcrm.store import DEMO_CLIENT_ID, DEMO_SITE, RECRUITER_CODE, RECRUITER_ID
from app.storage.secrets import KeyringSecrets
from tests.contract import goldens_retailcrm as g
from tests.contract.conftest import RcSandbox
from tests.contract.shape import Golden, problems
from tests.support import caller

PUBLIC = "https://ringside.example.test"
START = datetime(2024, 5, 1, 11, 3, tzinfo=UTC)
SAMPLE_PATHS = {"integration module edit": "/api/v5/integration-modules/ringside/edit",
                "integration module": "/api/v5/integration-modules/ringside", "user": f"/api/v5/users/{RECRUITER_ID}"}


def account(url: str, **changes: Any) -> RetailCrmAccount:
    return RetailCrmAccount(kind="retailcrm", id="rc", api_url=url, site=DEMO_SITE, user_id=RECRUITER_ID,
                            code=RECRUITER_CODE, client_id=DEMO_CLIENT_ID, external_phone="+61255500250",
                            public_url=PUBLIC).model_copy(update=changes)


def call_steps(recording: Path) -> list[CallNotice]:
    common: dict[str, Any] = {"number": caller(g.PHONE), "direction": Direction.INBOUND, "call_id": "c-1",
                              "source": "test", "started_at": START}
    answered, ended = START + timedelta(seconds=5), START + timedelta(seconds=65)
    return [CallNotice(type=EventType.RING, at=START, **common),
            CallNotice(type=EventType.ANSWER, at=answered, answered_at=answered, **common),
            CallNotice(type=EventType.HANGUP, at=ended, answered_at=answered, ended_at=ended,
                       recording=str(recording), **common)]


def golden_for(method: str, path: str) -> Golden:
    [found] = [x for x in g.ALL if x.method == method and re.fullmatch(x.path, path)]
    return found


async def test_every_request_the_connector_sends_matches_its_golden(
    rc_sandbox: RcSandbox, rc_secrets: KeyringSecrets, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    sandbox, server = rc_sandbox
    recording = tmp_path / "c-1.wav"
    recording.write_bytes(b"RIFF")
    connector = RetailCrmConnector(account(server.url), client, rc_secrets, tz=UTC)
    [record] = await connector.lookup(caller(g.PHONE))  # telephony/manager
    await connector.lookup(caller(UNKNOWN_NUMBER))  # telephony/manager, then customers
    await connector.log_call(NoteDraft(call_id="c-1", account_id="rc", record=record, direction=Direction.INBOUND,
                                       text="Called back", call_started_at=START, duration_s=60))
    for step in call_steps(recording):  # call/event in, hangup; calls/upload with a recordUrl
        await connector.notify(step)
    await connector.register(make_call_url=f"{PUBLIC}/retailcrm/make-call", logo_url=f"{PUBLIC}/ringside.svg",
                             status_url=f"{PUBLIC}/retailcrm/user-status", account_url=PUBLIC)
    await check.verify(account(server.url), client, rc_secrets)  # users/{id}
    await check.verify(account(server.url, user_id=None), client, rc_secrets)  # reference/sites
    await connector.aclose()

    entries = sandbox.journal.entries("/api/v5")
    assert all(e.status < 300 for e in entries), [(e.path, e.status) for e in entries]
    seen: set[str] = set()
    for entry in entries:
        golden = golden_for(entry.method, entry.path)
        seen.add(golden.name)
        assert problems(golden, entry) == [], f"{golden.name} (reference: {golden.reference})"
    assert seen == {x.name for x in g.ALL}  # every golden is exercised
    [upload] = sandbox.journal.entries("/api/v5/telephony/calls/upload")
    assert "recordUrl" in json.loads((upload.form or {})["calls"])[0]


def send(server_url: str, golden: Golden, form: dict[str, str] | None = None, *,
         headers: dict[str, str] | None = None, as_json: bool = False) -> httpx.Response:
    path = SAMPLE_PATHS.get(golden.name, golden.path)
    sent_headers = {"X-API-KEY": DEMO_API_KEY} if headers is None else headers
    with httpx.Client(base_url=server_url, timeout=10) as http:
        if golden.method == "GET":
            return http.get(path, params=golden.query, headers=sent_headers)
        if as_json:
            return http.post(path, json=golden.form, headers=sent_headers)
        return http.post(path, data=form if form is not None else golden.wire_form(), headers=sent_headers)


@pytest.mark.parametrize("golden", g.ALL, ids=lambda x: x.name)
def test_the_emulator_accepts_every_golden(rc_sandbox: RcSandbox, golden: Golden) -> None:
    answer = send(rc_sandbox[1].url, golden)
    assert answer.status_code < 300 and answer.json()["success"] is True, answer.text


def _changed(golden: Golden, change: Callable[[dict[str, Any]], None]) -> dict[str, str]:
    deviant = copy.deepcopy(golden)
    form = copy.deepcopy(golden.form)
    change(form)
    object.__setattr__(deviant, "form", form)
    return deviant.wire_form()


def _nest_client_id(form: dict[str, Any]) -> None:
    module = form["integrationModule"]
    module["integrations"]["telephony"]["clientId"] = module.pop("clientId")


DEVIATIONS: list[tuple[str, Golden, Callable[[dict[str, Any]], None]]] = [
    # PY v5.py telephony_call_event sends only `event=`; PHP CallEvent has no clientId.
    ("a clientId form field beside event=", g.EVENT, lambda f: f.update(clientId=DEMO_CLIENT_ID)),
    ("a clientId form field beside calls=", g.UPLOAD, lambda f: f.update(clientId=DEMO_CLIENT_ID)),
    # PHP IntegrationModule::$clientId is top-level; TelephonyConfiguration has none.
    ("clientId inside integrations.telephony", g.MODULE_EDIT, _nest_client_id),
    # PHP Call.php: DateTime<'Y-m-d H:i:s'>.
    ("an ISO 8601 call date", g.UPLOAD, lambda f: f["calls"][0].update(date="2024-05-01T14:03:00")),
    # PHP CallResult / CallEventHangupStatus: "no answer" for a call, "no answered" for a hang-up.
    ("a call result from the hang-up enum", g.UPLOAD, lambda f: f["calls"][0].update(result="no answered")),
    ("a hang-up status from the call-result enum", g.EVENT, lambda f: f["event"].update(hangupStatus="no answer")),
    # PHP CallEventType: in, out, hangup.
    ("an event type outside the enum", g.EVENT, lambda f: f["event"].update(type="incoming")),
    # PHP CallEvent.php: userIds is array<int>; Call.php: duration is int.
    ("userIds as strings", g.EVENT, lambda f: f["event"].update(userIds=[str(RECRUITER_ID)])),
    ("a duration as a string", g.UPLOAD, lambda f: f["calls"][0].update(duration="60")),
]


@pytest.mark.parametrize(("what", "golden", "change"), DEVIATIONS, ids=[d[0] for d in DEVIATIONS])
def test_the_emulator_refuses_what_the_references_forbid(
    rc_sandbox: RcSandbox, what: str, golden: Golden, change: Callable[[dict[str, Any]], None]
) -> None:
    answer = send(rc_sandbox[1].url, golden, _changed(golden, change))
    assert answer.status_code == 400 and answer.json()["success"] is False, what


def test_the_emulator_refuses_a_json_body_and_a_missing_key(rc_sandbox: RcSandbox) -> None:
    # PY retailcrm/versions/base.py: POST bodies are forms (`data=`), the key goes in X-API-KEY.
    assert send(rc_sandbox[1].url, g.UPLOAD, as_json=True).status_code == 400
    assert send(rc_sandbox[1].url, g.MANAGER, headers={}).status_code == 403
