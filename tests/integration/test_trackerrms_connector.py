"""The TrackerRMS connector against its emulator on a real loopback socket."""

from __future__ import annotations

import asyncio
import base64
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from app.config import paths
from app.config.settings import GeneralSettings, Settings
from app.core.models import CallEvent, Direction, EventType, NoteDraft, Record, RecordType
from app.core.ports import Connector, NewPerson, NewRecordKind, RecordCreator
from app.core.views import CallView, TrayState
from app.crm._shared.browser_sign_in import authorize
from app.crm._shared.oauth_tokens import OAuthClient, TokenSet
from app.crm.registry import build_connector
from app.crm.trackerrms import connector as trackerrms_mod
from app.crm.trackerrms.connector import TrackerRmsConnector, oauth_config
from app.crm.trackerrms.settings import TrackerRmsAccount
from app.crm.trackerrms.wire import ExistsAlready, RecordNotResolved
from app.errors import BadResponse, ConnectorError, NeedsSignIn, Rejected, Unavailable
from app.runtime.runtime import Runtime
from app.sandbox.demo_data import UNKNOWN_NUMBER, load_demo
from app.sandbox.faults import FaultKind
from app.sandbox.runner import SandboxServer
from app.sandbox.trackerrms.server import TrackerRmsSandbox
from app.sandbox.trackerrms.store import COLLEAGUE, INACTIVE
from app.storage.secrets import KeyringSecrets, MemoryKeyring
from tests.integration.conftest import (
    TR_API_KEY,
    TR_CLIENT_SECRET,
    TR_PASSWORD,
    TR_USER,
    TrConnectorFactory,
    TrSandbox,
    closed_port,
)
from tests.support import caller, free_redirect_uri

DEMO = load_demo()
PRIYA = DEMO.person("priya-raman")  # contact at Kestrel Software: 3 open jobs, 1 closed, 1 won
ETHAN = DEMO.person("ethan-brooks")  # candidate
AROHA = DEMO.person("aroha-ngata")  # contact whose company's jobs are all closed
TOM = DEMO.person("tom-nguyen")  # in Recruit Wizard, not in TrackerRMS
SHARED_OFFICE = "+61370100200"  # two Harbourline contacts
SAM_MOBILE = "+61491570090"  # a TrackerRMS user (the recruiter's colleague)
RECRUITER_PHONE = "+61255500250"
WIDGET = "/api/widget/"
POP = "/api/telephone/inboundCall"  # the GET form: OAuth accounts only (Bearer header)
POP_WIDGET = "/api/widget/inboundCall"  # the POST form: password and API-key accounts (academy lesson 365)


def _note(record: Record, direction: Direction, text: str, started: datetime) -> NoteDraft:
    return NoteDraft(call_id="call-1", account_id="tr", record=record, direction=direction, text=text,
                     call_started_at=started, duration_s=120)


def _ring(direction: Direction = Direction.INBOUND, kind: EventType = EventType.RING,
          number: str = "0491 570 006") -> CallEvent:
    return CallEvent(type=kind, number=caller(number), direction=direction, at=datetime.now(UTC))


def _calls(sandbox: TrackerRmsSandbox) -> list[str]:
    return [e.path.removeprefix(WIDGET) for e in sandbox.journal.entries(WIDGET)]


def _jane(**changes: str) -> NewPerson:
    fields = {"first_name": "Jane", "last_name": "Selby", "job_title": "Java Programmer",
              "company": "Wonderful Java Inc", "phone": "+61491570222", "email": "jane.selby@wonderful.example"}
    return NewPerson.model_validate(fields | changes)


# -- the three ways to authenticate ----------------------------------------------------------------


async def test_registry_builds_a_connector(tr_connector: TrConnectorFactory, tr_secrets: KeyringSecrets) -> None:
    connector = tr_connector()
    built = build_connector(connector.account, connector._http._client, tr_secrets)
    assert isinstance(built, Connector) and isinstance(built, RecordCreator)
    caps = built.capabilities
    assert caps.lookup and caps.open_jobs and caps.log_call and caps.create_record and caps.create_from_resume
    assert not caps.notify and not caps.sign_in
    assert built.label == "TrackerRMS"
    oauth = tr_connector(auth="oauth", notify_inbound=True, destination=RECRUITER_PHONE)
    assert oauth.capabilities.sign_in and oauth.capabilities.notify


async def test_password_goes_in_the_credentials_block(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, _ = tr_sandbox
    assert await tr_connector().check_logon() == f"Connected to TrackerRMS as {TR_USER}."
    [entry] = sandbox.journal.entries(WIDGET + "checkLogon")
    assert entry.method == "POST"
    assert entry.headers["content-type"] == "application/json"
    assert "authorization" not in entry.headers
    assert entry.json == {"trackerrms": {"checkLogon": {"credentials": {"username": TR_USER,
                                                                         "password": "<redacted>"}}}}


async def test_api_key_goes_in_the_credentials_block(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, _ = tr_sandbox
    assert await tr_connector(auth="apikey").check_logon() == (
        "Connected to TrackerRMS with the API key. Calls act as the system administrator: set the user id to "
        "log calls as yourself.")
    [entry] = sandbox.journal.entries(WIDGET)
    assert "authorization" not in entry.headers
    assert entry.json == {"trackerrms": {"checkLogon": {"credentials": {"apikey": "<redacted>"}}}}


async def test_oauth_uses_the_bearer_header_only(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, _ = tr_sandbox
    assert await tr_connector(auth="oauth").check_logon() == "Connected to TrackerRMS signed in."
    [entry] = sandbox.journal.entries(WIDGET)
    assert entry.headers["authorization"] == "<redacted bearer>"
    assert entry.json == {"trackerrms": {"checkLogon": {"credentials": {}}}}


async def test_oauth_browser_sign_in(
    tr_sandbox: TrSandbox, tr_secrets: KeyringSecrets, tr_connector: TrConnectorFactory
) -> None:
    sandbox, server = tr_sandbox
    redirect_uri = free_redirect_uri()
    sandbox.register_redirect_uri(redirect_uri)
    account = TrackerRmsAccount(kind="trackerrms", id="tr", api_url=server.url, auth="oauth", redirect_uri=redirect_uri)
    async with httpx.AsyncClient(timeout=5) as client, httpx.AsyncClient(follow_redirects=True, timeout=5) as browser:
        visits: list[asyncio.Task[httpx.Response]] = []

        def open_url(url: str) -> None:
            visits.append(asyncio.get_running_loop().create_task(browser.get(url)))

        tokens = await authorize(OAuthClient(oauth_config(account), client, tr_secrets), open_url, timeout_s=10)
        await asyncio.gather(*visits)
    [visit] = sandbox.journal.entries("/oAuth2/Authorize")
    assert visit.query["client_id"] == "EvoApi_1.0"
    assert visit.query["scope"] == "read,write"
    assert visit.query["response_type"] == "code"
    assert visit.query["redirect_uri"] == redirect_uri
    assert visit.query["code_challenge_method"] == "S256"  # PKCE on unless the account turns it off
    [token] = sandbox.journal.entries("/oAuth2/Token")
    assert token.form is not None and token.form["grant_type"] == "authorization_code"
    assert len(tokens.access_token) == 36 and tokens.access_token.count("-") == 4  # GUID-like
    assert await tr_connector(auth="oauth").check_logon()


async def test_an_expired_token_is_refreshed_once(
    tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory, tr_secrets: KeyringSecrets
) -> None:
    sandbox, _ = tr_sandbox
    connector = tr_connector(auth="oauth")
    sandbox.expire_access_tokens()
    results = await asyncio.gather(*(connector.lookup(caller(PRIYA.numbers[0])) for _ in range(5)))
    assert all(len(r) == 1 for r in results)
    assert sandbox.refresh_count == 1
    raw = tr_secrets.get("tr", "tokens")
    assert raw is not None and TokenSet.model_validate_json(raw).refresh_token  # the rotated one was kept


async def test_a_revoked_sign_in_asks_to_sign_in_again(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, _ = tr_sandbox
    connector = tr_connector(auth="oauth")
    sandbox.revoke_all()
    with pytest.raises(NeedsSignIn, match="TrackerRMS needs you to sign in again"):
        await connector.lookup(caller(PRIYA.numbers[0]))


# -- statuses -------------------------------------------------------------------------------------------


async def test_status_1_an_unknown_user(tr_connector: TrConnectorFactory) -> None:
    with pytest.raises(NeedsSignIn) as caught:
        await tr_connector(username="nobody@agency.example").check_logon()
    assert str(caught.value).startswith("TrackerRMS doesn't know user 'nobody@agency.example'.")


async def test_status_1_a_wrong_password(tr_connector: TrConnectorFactory, tr_secrets: KeyringSecrets) -> None:
    tr_secrets.set("tr", "password", "not-the-password")
    with pytest.raises(NeedsSignIn, match=f"doesn't know user '{TR_USER}'"):
        await tr_connector().lookup(caller(PRIYA.numbers[0]))


async def test_status_1_a_wrong_api_key(tr_connector: TrConnectorFactory, tr_secrets: KeyringSecrets) -> None:
    tr_secrets.set("tr", "apikey", "not-the-api-key")
    with pytest.raises(NeedsSignIn, match="doesn't know the user of this account's API key"):
        await tr_connector(auth="apikey").check_logon()


async def test_status_2_an_inactive_user(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory,
                                         tr_secrets: KeyringSecrets) -> None:
    sandbox, _ = tr_sandbox
    tr_secrets.set("tr", "password", sandbox.users[INACTIVE].password)
    with pytest.raises(NeedsSignIn, match=f"TrackerRMS says user '{INACTIVE}' is not active. Ask your TrackerRMS"):
        await tr_connector(username=INACTIVE).check_logon()
    tr_secrets.set("tr", "password", TR_PASSWORD)
    sandbox.set_user_active(TR_USER, False)  # deactivated while Ringside runs
    with pytest.raises(NeedsSignIn, match="is not active"):
        await tr_connector().lookup(caller(PRIYA.numbers[0]))


async def test_status_3_is_explained(tr_connector: TrConnectorFactory) -> None:
    connector = tr_connector()
    await connector.create_contact(_jane())
    with pytest.raises(ExistsAlready) as caught:
        await connector.create_contact(_jane(phone_kind="work"))
    assert str(caught.value) == ("Jane Selby (contact) is already in TrackerRMS, and TrackerRMS won't overwrite it. "
                                 "Open the existing record instead.")


async def test_status_99_carries_the_reason(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, _ = tr_sandbox
    ghost = Record(account_id="tr", type=RecordType.CONTACT, id="999999", name="Ghost Writer")
    with pytest.raises(Rejected) as caught:
        await tr_connector().log_call(_note(ghost, Direction.INBOUND, "x", datetime.now(UTC)))
    assert str(caught.value) == ("TrackerRMS refused the request as invalid: Invalid request: there is no contact "
                                 "with id 999999.")
    assert sandbox.activities() == []


async def test_missing_secrets_ask_for_them_before_sending(
    tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory, tr_secrets: KeyringSecrets,
    http_clients: Callable[..., httpx.AsyncClient],
) -> None:
    sandbox, _ = tr_sandbox
    tr_secrets.delete("tr", "password")
    with pytest.raises(NeedsSignIn, match="No TrackerRMS password is stored for account 'tr'"):
        await tr_connector().lookup(caller(PRIYA.numbers[0]))
    with pytest.raises(NeedsSignIn, match="has no username"):
        await tr_connector(username="").lookup(caller(PRIYA.numbers[0]))
    tr_secrets.delete("tr", "apikey")
    with pytest.raises(NeedsSignIn, match="No TrackerRMS API key is stored"):
        await tr_connector(auth="apikey").lookup(caller(PRIYA.numbers[0]))
    never_signed_in = tr_connector().account.model_copy(update={"auth": "oauth"})
    not_yet = re.escape("TrackerRMS is not signed in yet. Run `ringside account connect tr`")
    with pytest.raises(NeedsSignIn, match=not_yet):
        await TrackerRmsConnector(never_signed_in, http_clients(), tr_secrets).lookup(caller(PRIYA.numbers[0]))
    assert sandbox.journal.entries() == []


# -- lookup ------------------------------------------------------------------------------------------------


async def test_lookup_sends_national_digits(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, server = tr_sandbox
    records = await tr_connector().lookup(caller(PRIYA.numbers[0]))
    assert records == [Record(account_id="tr", type=RecordType.CONTACT, id=None, name=PRIYA.full_name,
                              job_title=PRIYA.job_title, company=PRIYA.company,
                              link=f"{server.url}/web/contacts/{PRIYA.trackerrms_id}")]
    [entry] = sandbox.journal.entries(WIDGET + "checkPerson")
    assert entry.json["trackerrms"]["checkPerson"]["details"] == {"phone": "0491570006"}


async def test_lookup_in_e164_for_installations_that_store_it() -> None:
    sandbox = TrackerRmsSandbox(phone_format="e164", client_secret=TR_CLIENT_SECRET)
    with SandboxServer(sandbox.make_app) as server:
        secrets = KeyringSecrets(backend=MemoryKeyring())
        secrets.set("tr", "password", TR_PASSWORD)
        async with httpx.AsyncClient(timeout=5) as client:
            for phone_format, found in (("e164", 1), ("national", 0)):
                account = TrackerRmsAccount(kind="trackerrms", id="tr", api_url=server.url, auth="password",
                                            username=TR_USER, phone_format=phone_format)  # type: ignore[arg-type]
                records = await TrackerRmsConnector(account, client, secrets).lookup(caller(ETHAN.numbers[0]))
                assert len(records) == found
    sent = [e.json["trackerrms"]["checkPerson"]["details"]["phone"] for e in sandbox.journal.entries(WIDGET)]
    assert sent == ["61491571266", "0491571266"]


async def test_lookup_of_candidates_users_and_unknown_numbers(
    tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory
) -> None:
    connector = tr_connector(labels={"resource": "Talent"})
    [ethan] = await connector.lookup(caller(ETHAN.numbers[0]))
    assert (ethan.type, ethan.name, ethan.display_type) == (RecordType.CANDIDATE, ETHAN.full_name, "Talent")
    [sam] = await connector.lookup(caller(SAM_MOBILE))
    assert (sam.type, sam.name) == (RecordType.USER, "Sam Lee")
    assert await connector.lookup(caller(UNKNOWN_NUMBER)) == []
    assert await connector.lookup(caller(TOM.numbers[0])) == []  # in Recruit Wizard only


async def test_a_shared_line_shows_the_first_match_and_says_there_are_more(tr_connector: TrConnectorFactory) -> None:
    [record] = await tr_connector().lookup(caller(SHARED_OFFICE))
    assert record.name == DEMO.person("daniel-oconnor").full_name
    assert record.display_type == "Contact · 1 of 2"


async def test_the_seeds_cyrillic_record_types() -> None:
    sandbox = TrackerRmsSandbox(cyrillic_record_types=True)
    with SandboxServer(sandbox.make_app) as server:
        secrets = KeyringSecrets(backend=MemoryKeyring())
        secrets.set("tr", "apikey", TR_API_KEY)
        account = TrackerRmsAccount(kind="trackerrms", id="tr", api_url=server.url, auth="apikey")
        async with httpx.AsyncClient(timeout=5) as client:
            connector = TrackerRmsConnector(account, client, secrets)
            [contact] = await connector.lookup(caller(PRIYA.numbers[0]))
            [candidate] = await connector.lookup(caller(ETHAN.numbers[0]))
    assert (contact.type, candidate.type) == (RecordType.CONTACT, RecordType.CANDIDATE)


# -- open jobs ------------------------------------------------------------------------------------------------


async def test_open_jobs_at_the_contacts_company(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, server = tr_sandbox
    connector = tr_connector(web_url=server.url)  # links come from the account's web host
    [priya] = await connector.lookup(caller(PRIYA.numbers[0]))
    jobs = await connector.open_jobs(priya)
    expected = DEMO.jobs_of(PRIYA.key, open_only=True)
    assert [j.title for j in jobs] == [j.title for j in expected]  # not the closed one, nor the won one
    first = jobs[0]
    assert first.employer == PRIYA.company
    assert first.status.startswith("Open · opened ")
    assert first.link == f"{server.url}/web/opportunities/{first.id}"
    [entry] = sandbox.journal.entries(WIDGET + "getRecords")
    assert entry.json["trackerrms"]["getRecords"]["instructions"] == {
        "recordtype": "O", "onlymyrecords": False, "state": "open", "numrecords": 100, "pagenum": 0}


async def test_open_jobs_page_through_opportunities(
    tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox, _ = tr_sandbox
    monkeypatch.setattr(trackerrms_mod, "JOB_PAGE_SIZE", 2)
    [priya] = await tr_connector().lookup(caller(PRIYA.numbers[0]))
    jobs = await tr_connector().open_jobs(priya)
    assert len(jobs) == len(DEMO.jobs_of(PRIYA.key, open_only=True))
    pages = [e.json["trackerrms"]["getRecords"]["instructions"]["pagenum"]
             for e in sandbox.journal.entries(WIDGET + "getRecords")]
    assert pages == list(range(len(pages))) and len(pages) > 2  # from 0, as the reference pages


async def test_no_open_jobs(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, _ = tr_sandbox
    connector = tr_connector()
    [aroha] = await connector.lookup(caller(AROHA.numbers[0]))
    assert await connector.open_jobs(aroha) == []  # the company's jobs are all closed
    [ethan] = await connector.lookup(caller(ETHAN.numbers[0]))
    assert await connector.open_jobs(ethan) == []
    assert len(sandbox.journal.entries(WIDGET + "getRecords")) == 1  # candidates have no jobs to ask for


# -- logging calls ----------------------------------------------------------------------------------------------


async def test_inbound_call_logged_against_a_contact(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, _ = tr_sandbox
    connector = tr_connector()
    [priya] = await connector.lookup(caller(PRIYA.numbers[0]))
    started = datetime(2024, 3, 5, 23, 10, 20, tzinfo=UTC)  # 10:10 AM on the 6th in Sydney
    receipt = await connector.log_call(_note(priya, Direction.INBOUND, "Talked about the platform role.", started))

    assert sandbox.activities() == [{
        "subject": f"Inbound call with {PRIYA.full_name}",
        "type": "Telephone",
        "date": "2024-03-06",
        "time": "10:10 AM",
        "status": "Completed",
        "contactType": "Inbound",
        "note": "Talked about the platform role.",
        "linkRecordType": "N",
        "linkRecordId": PRIYA.trackerrms_id,
    }]
    assert receipt.account_id == "tr" and receipt.remote_id is not None and receipt.remote_id.isdigit()
    [resolve] = sandbox.journal.entries(WIDGET + "getRecords")
    assert resolve.json["trackerrms"]["getRecords"]["instructions"] == {
        "recordtype": "N", "onlymyrecords": False, "searchtext": PRIYA.full_name, "numrecords": 25, "pagenum": 0}


async def test_outbound_call_logged_against_a_candidate(
    tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory
) -> None:
    sandbox, _ = tr_sandbox
    connector = tr_connector(auth="apikey")
    [ethan] = await connector.lookup(caller(ETHAN.numbers[0]))
    await connector.log_call(_note(ethan, Direction.OUTBOUND, "Left a voicemail.",
                                   datetime(2024, 3, 6, 3, 45, tzinfo=UTC)))
    assert sandbox.activities() == [{
        "subject": f"Outbound call with {ETHAN.full_name}",
        "type": "Telephone",
        "date": "2024-03-06",
        "time": "02:45 PM",
        "status": "Completed",
        "contactType": "Outbound",
        "note": "Left a voicemail.",
        "linkRecordType": "R",
        "linkRecordId": ETHAN.trackerrms_id,
    }]


async def test_resolved_ids_are_cached(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, _ = tr_sandbox
    connector = tr_connector()
    [priya] = await connector.lookup(caller(PRIYA.numbers[0]))
    for text in ("First.", "Second."):
        await connector.log_call(_note(priya, Direction.INBOUND, text, datetime.now(UTC)))
    assert _calls(sandbox) == ["checkPerson", "getRecords", "createActivity", "createActivity"]


async def test_an_unknown_name_is_not_logged_unlinked(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, _ = tr_sandbox
    stranger = Record(account_id="tr", type=RecordType.CONTACT, id=None, name="Nobody Atall")
    with pytest.raises(RecordNotResolved) as caught:
        await tr_connector().log_call(_note(stranger, Direction.INBOUND, "x", datetime.now(UTC)))
    assert str(caught.value) == ("TrackerRMS has no single contact named Nobody Atall (it found none) — pick or "
                                 "create the record.")
    assert caught.value.found == 0
    assert "createActivity" not in _calls(sandbox)


async def test_an_ambiguous_name_is_not_logged(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, _ = tr_sandbox
    connector = tr_connector()
    [priya] = await connector.lookup(caller(PRIYA.numbers[0]))
    await connector.create_contact(NewPerson(first_name="Priya", last_name="Raman", company="Another Company"))
    namesake = priya.model_copy(update={"company": "Somewhere Else"})
    with pytest.raises(RecordNotResolved, match="has no single contact named Priya Raman \\(it found 2\\)") as caught:
        await connector.log_call(_note(namesake, Direction.INBOUND, "x", datetime.now(UTC)))
    assert caught.value.found == 2
    # …while the company tells the two apart.
    await connector.log_call(_note(priya, Direction.INBOUND, "x", datetime.now(UTC)))
    assert sandbox.activities()[0]["linkRecordId"] == PRIYA.trackerrms_id


async def test_a_user_cannot_be_logged_against(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, _ = tr_sandbox
    connector = tr_connector()
    [sam] = await connector.lookup(caller(SAM_MOBILE))
    with pytest.raises(Rejected, match="logs calls against contacts and candidates, not a user"):
        await connector.log_call(_note(sam, Direction.INBOUND, "x", datetime.now(UTC)))
    assert _calls(sandbox) == ["checkPerson"]


# -- TrackerRMS's own screen pop ----------------------------------------------------------------------------------


async def test_inbound_ring_pops_trackerrms(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, _ = tr_sandbox
    await tr_connector(notify_inbound=True, destination="02 5550 0250").notify(_ring(number=PRIYA.numbers[0]))
    assert sandbox.journal.entries(POP) == []  # the GET form carries no credentials of a password account
    [entry] = sandbox.journal.entries(POP_WIDGET)
    assert entry.method == "POST" and entry.query == {}
    assert "authorization" not in entry.headers  # a password never goes in a URL or a header
    assert entry.json == {"trackerrms": {"inboundCall": {
        "credentials": {"username": TR_USER, "password": "<redacted>"},
        "instructions": {"source": "61491570006", "destination": "61255500250"}}}}
    assert sandbox.screen_pops() == [{"source": "61491570006", "destination": "61255500250", "user": TR_USER}]


async def test_oauth_accounts_pop_with_their_bearer(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, _ = tr_sandbox
    await tr_connector(auth="oauth", notify_inbound=True,
                       destination=RECRUITER_PHONE).notify(_ring(number=ETHAN.numbers[0]))
    [entry] = sandbox.journal.entries(POP)
    assert entry.headers["authorization"] == "<redacted bearer>"
    assert len(sandbox.screen_pops()) == 1


async def test_no_pop_unless_asked_for_and_ringing_in(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, _ = tr_sandbox
    await tr_connector(destination=RECRUITER_PHONE).notify(_ring(number=PRIYA.numbers[0]))  # notify_inbound off
    connector = tr_connector(notify_inbound=True, destination=RECRUITER_PHONE)
    await connector.notify(_ring(Direction.OUTBOUND, number=PRIYA.numbers[0]))
    await connector.notify(_ring(kind=EventType.ANSWER, number=PRIYA.numbers[0]))
    await connector.notify(_ring(kind=EventType.HANGUP, number=PRIYA.numbers[0]))
    assert sandbox.journal.entries() == []


@pytest.mark.parametrize(
    ("fault", "logged"),
    [(FaultKind.STATUS, "HTTP 500"), (FaultKind.RESET, "broke off"), (FaultKind.HTML, "not JSON"),
     (FaultKind.HANG, "took too long")],
)
async def test_a_failing_pop_is_logged_and_swallowed(
    tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory, caplog: pytest.LogCaptureFixture,
    fault: FaultKind, logged: str,
) -> None:
    sandbox, _ = tr_sandbox
    sandbox.faults.inject(POP_WIDGET, fault)
    connector = tr_connector(notify_inbound=True, destination=RECRUITER_PHONE, timeout_s=0.3)
    with caplog.at_level(logging.WARNING, logger="app.crm.trackerrms.connector"):
        assert await connector.notify(_ring(number=PRIYA.numbers[0])) is None
    assert "TrackerRMS screen pop failed" in caplog.text and logged in caplog.text
    assert TR_PASSWORD not in caplog.text


async def test_a_pop_trackerrms_refuses_is_swallowed(
    tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox, _ = tr_sandbox
    with caplog.at_level(logging.WARNING, logger="app.crm.trackerrms.connector"):
        await tr_connector(notify_inbound=True, destination="+61255500999").notify(_ring(number=PRIYA.numbers[0]))
        await tr_connector(notify_inbound=True, destination="not a number").notify(_ring(number=PRIYA.numbers[0]))
        port = closed_port()
        await tr_connector(notify_inbound=True, destination=RECRUITER_PHONE,
                           api_url=f"http://127.0.0.1:{port}").notify(_ring(number=PRIYA.numbers[0]))
    assert "doesn't know the number +61255500999" in caplog.text
    assert "destination 'not a number' is not a phone number" in caplog.text
    assert "Can't reach TrackerRMS" in caplog.text
    assert sandbox.screen_pops() == []


# -- new records ------------------------------------------------------------------------------------------------------


async def test_create_a_contact_then_find_it(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, _ = tr_sandbox
    connector = tr_connector()
    created = await connector.create_record(NewRecordKind.CONTACT, _jane(note="Rang about hiring"))
    assert (created.kind, created.name) == (NewRecordKind.CONTACT, "Jane Selby")
    assert created.detail == "Created in TrackerRMS"
    assert created.id is not None and created.id.isdigit()
    [made] = sandbox.created()
    assert made["body"] == {
        "instructions": {"createcompanyifnotexists": True, "overwritecontact": False},
        "contact": {"firstname": "Jane", "lastname": "Selby", "fullname": "Jane Selby", "jobtitle": "Java Programmer",
                    "company": "Wonderful Java Inc", "email": "jane.selby@wonderful.example",
                    "cellphone": "0491 570 222", "note": "Rang about hiring"},
    }
    [jane] = await connector.lookup(caller("+61491570222"))
    assert (jane.type, jane.name, jane.company) == (RecordType.CONTACT, "Jane Selby", "Wonderful Java Inc")
    await connector.log_call(_note(jane, Direction.INBOUND, "Follow-up.", datetime.now(UTC)))
    assert sandbox.activities()[0]["linkRecordId"] == int(created.id)


async def test_create_a_candidate(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    sandbox, _ = tr_sandbox
    connector = tr_connector()
    created = await connector.create_candidate(_jane(phone_kind="home"))
    assert created.kind is NewRecordKind.CANDIDATE
    [made] = sandbox.created()
    assert made["call"] == "createResource"
    assert made["body"]["instructions"] == {"overwriteresource": False}
    assert made["body"]["resource"]["homephone"] == "0491 570 222"
    assert made["body"]["resource"]["source"] == "Phone call"
    [jane] = await connector.lookup(caller("+61491570222"))
    assert jane.type is RecordType.CANDIDATE


@pytest.mark.parametrize(("lead_for", "letter"), [("contact", "N"), ("candidate", "R")])
async def test_create_a_lead(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory, lead_for: str,
                             letter: str) -> None:
    sandbox, _ = tr_sandbox
    created = await tr_connector().create_record(NewRecordKind.LEAD, _jane(lead_for=lead_for, note="Needs 2 devs"))
    assert (created.kind, created.name) == (NewRecordKind.LEAD, "Phone call from Jane Selby")
    [made] = sandbox.created()
    lead = made["body"]["lead"]
    assert (made["call"], made["type"], lead["leadpersontype"], lead["source"], lead["description"]) == (
        "createLead", "L", letter, "Phone call", "Needs 2 devs")
    assert made["body"]["instructions"] == {"createpersonifnotexists": True, "notifydepartment": False}


async def test_create_a_candidate_from_a_resume(
    tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory, tmp_path: Path
) -> None:
    sandbox, _ = tr_sandbox
    cv = tmp_path / "Jane Selby Resume.pdf"
    cv.write_bytes(b"%PDF-1.4\n% Jane Selby, Java Programmer\n%%EOF\n")
    created = await tr_connector().create_from_resume(cv)
    assert (created.kind, created.name) == (NewRecordKind.CANDIDATE, "Jane Selby")
    [made] = sandbox.created()
    cv_file = made["body"]["file"]
    assert made["call"] == "createResourceFromResume"
    assert cv_file["filename"] == "Jane Selby Resume.pdf"
    assert base64.b64decode(cv_file["data"]) == cv.read_bytes()
    with pytest.raises(ExistsAlready, match="is already in TrackerRMS"):
        await tr_connector().create_candidate_from_resume(cv, _jane())


async def test_a_resume_trackerrms_cannot_read_is_refused_before_sending(
    tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory, tmp_path: Path
) -> None:
    sandbox, _ = tr_sandbox
    connector = tr_connector()
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "empty.docx").write_bytes(b"")
    with pytest.raises(Rejected, match=re.escape("notes.txt is not a PDF or Word file")):
        await connector.create_candidate_from_resume(tmp_path / "notes.txt")
    with pytest.raises(Rejected, match=re.escape("empty.docx is empty")):
        await connector.create_candidate_from_resume(tmp_path / "empty.docx")
    with pytest.raises(Rejected, match=re.escape("Could not read missing.pdf")):
        await connector.create_candidate_from_resume(tmp_path / "missing.pdf")
    assert sandbox.journal.entries() == []
    # A file whose content is not what its name says is refused by TrackerRMS itself.
    (tmp_path / "fake.docx").write_bytes(b"%PDF-1.4 not a docx")
    with pytest.raises(Rejected, match=re.escape("fake.docx is not a DOCX file")):
        await connector.create_candidate_from_resume(tmp_path / "fake.docx")


async def test_creating_a_record_forgets_resolved_ids(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    connector = tr_connector()
    [priya] = await connector.lookup(caller(PRIYA.numbers[0]))
    anywhere = priya.model_copy(update={"company": ""})
    assert (await connector.resolve(anywhere)).id == str(PRIYA.trackerrms_id)
    await connector.create_contact(NewPerson(first_name="Priya", last_name="Raman", company="Another Company"))
    with pytest.raises(RecordNotResolved):  # the cached id is gone: the name is now ambiguous
        await connector.resolve(anywhere)


# -- transport problems -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "error", "message"),
    [
        (FaultKind.HTML, BadResponse, "TrackerRMS answered something that is not JSON."),
        (FaultKind.MALFORMED, BadResponse, "TrackerRMS answered something that is not JSON."),
        (FaultKind.WRONG_SHAPE, BadResponse,
         "TrackerRMS answered in an unexpected shape (expected a Widget API answer with a status)."),
        (FaultKind.STATUS, Unavailable, "TrackerRMS had a problem answering (HTTP 500). Try again shortly."),
    ],
)
async def test_unreadable_answers(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory, kind: FaultKind,
                                  error: type[ConnectorError], message: str) -> None:
    sandbox, _ = tr_sandbox
    sandbox.faults.inject(WIDGET, kind)
    with pytest.raises(error) as caught:
        await tr_connector().lookup(caller(PRIYA.numbers[0]))
    assert str(caught.value) == message


async def test_an_unreachable_host(tr_connector: TrConnectorFactory) -> None:
    port = closed_port()
    with pytest.raises(Unavailable, match=rf"Can't reach TrackerRMS \(127\.0\.0\.1:{port}\)"):
        await tr_connector(api_url=f"http://127.0.0.1:{port}").lookup(caller(PRIYA.numbers[0]))


async def test_secrets_never_reach_messages_or_the_journal(
    tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory, tr_secrets: KeyringSecrets
) -> None:
    sandbox, _ = tr_sandbox
    errors: list[ConnectorError] = []
    for auth in ("password", "apikey"):
        connector = tr_connector(auth=auth)
        await connector.lookup(caller(PRIYA.numbers[0]))
        for kind in (FaultKind.HTML, FaultKind.STATUS):
            sandbox.faults.inject(WIDGET, kind, status=400)
            with pytest.raises(ConnectorError) as caught:
                await connector.lookup(caller(PRIYA.numbers[0]))
            errors.append(caught.value)
    sandbox.set_user_active(TR_USER, False)
    with pytest.raises(NeedsSignIn) as inactive:
        await tr_connector().check_logon()
    errors.append(inactive.value)
    text = " ".join(f"{e!s} {e!r}" for e in errors) + repr(sandbox.journal.entries())
    for secret in (TR_PASSWORD, TR_API_KEY, TR_CLIENT_SECRET):
        assert secret not in text


async def test_someone_elses_records_are_found_too(tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory) -> None:
    # Records owned by a colleague still resolve: onlymyrecords is always false.
    sandbox, _ = tr_sandbox
    owned_by_colleague = [r for r in sandbox.store.records.values() if r.owner == COLLEAGUE and r.letter == "N"]
    assert owned_by_colleague
    record = Record(account_id="tr", type=RecordType.CONTACT, id=None, name=owned_by_colleague[0].name)
    assert (await tr_connector().resolve(record)).id == str(owned_by_colleague[0].id)


# -- through the running app ---------------------------------------------------------------------------------------


class _Cards:
    """Just enough of a SwitchboardListener to wait for a card."""

    def __init__(self) -> None:
        self.views: list[CallView] = []
        self.changed = asyncio.Event()

    def call_updated(self, view: CallView) -> None:
        self.views.append(view)
        self.changed.set()

    def note_requested(self, view: CallView) -> None: ...

    def tray_state_changed(self, state: TrayState, detail: str) -> None: ...

    def message(self, text: str, *, error: bool = False) -> None: ...

    async def complete(self) -> CallView:
        async with asyncio.timeout(5):
            while not (self.views and self.views[-1].complete):
                self.changed.clear()
                await self.changed.wait()
        return self.views[-1]


async def test_a_ring_pops_trackerrms_without_holding_the_card(
    tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory, tr_secrets: KeyringSecrets
) -> None:
    sandbox, _ = tr_sandbox
    account = tr_connector(notify_inbound=True, destination=RECRUITER_PHONE).account
    cards = _Cards()
    runtime = Runtime(paths=paths.resolve(), settings=Settings(general=GeneralSettings(default_region="AU"),
                                                               accounts=[account]),
                      listener=cards, secrets=tr_secrets)
    await runtime.start()
    try:
        sandbox.faults.inject(POP_WIDGET, FaultKind.HANG)  # TrackerRMS's own pop never answers…
        runtime.switchboard.handle(CallEvent(type=EventType.RING, number=caller("0491 570 006"), source="test",
                                             at=datetime.now(UTC)))
        view = await cards.complete()  # …and Ringside's card is complete regardless
        assert [r.name for r in view.matches] == [PRIYA.full_name]
        assert await asyncio.to_thread(sandbox.faults.wait_hanging, 1)
        assert sandbox.journal.entries(POP_WIDGET) == []  # still hanging: not answered when the card was done
        sandbox.faults.release_hangs()
        landed = await asyncio.to_thread(sandbox.journal.wait_for, lambda es: any(e.path == POP_WIDGET for e in es), 5)
        assert landed
    finally:
        sandbox.faults.release_hangs()
        await runtime.stop()
    assert sandbox.screen_pops() == [{"source": "61491570006", "destination": "61255500250", "user": TR_USER}]


async def test_a_note_at_hangup_is_logged_against_the_resolved_record(
    tr_sandbox: TrSandbox, tr_connector: TrConnectorFactory, tr_secrets: KeyringSecrets
) -> None:
    sandbox, _ = tr_sandbox
    cards = _Cards()
    runtime = Runtime(paths=paths.resolve(), settings=Settings(general=GeneralSettings(default_region="AU"),
                                                               accounts=[tr_connector().account]),
                      listener=cards, secrets=tr_secrets)
    await runtime.start()
    try:
        for kind in (EventType.RING, EventType.ANSWER, EventType.HANGUP):
            runtime.switchboard.handle(CallEvent(type=kind, number=caller(ETHAN.numbers[0]), call_id="c-1",
                                                 source="test", at=datetime.now(UTC)))
        view = await cards.complete()
        [ethan] = view.matches
        assert ethan.id is None  # checkPerson gives none; the outbox's log_call resolves it
        await runtime.controls.save_note("c-1", "Keen on the platform role.", [ethan.key])
        logged = await asyncio.to_thread(
            sandbox.journal.wait_for, lambda es: any(e.path.endswith("createActivity") for e in es), 5)
        assert logged
    finally:
        await runtime.stop()
    [activity] = sandbox.activities()
    assert (activity["linkRecordType"], activity["linkRecordId"], activity["contactType"], activity["note"]) == (
        "R", ETHAN.trackerrms_id, "Inbound", "Keen on the platform role.")


async def test_the_shared_line_record_resolves_with_a_plain_message(tr_connector: TrConnectorFactory) -> None:
    connector = tr_connector(labels={"resource": "Talent"})
    [daniel] = await connector.lookup(caller(SHARED_OFFICE))
    assert (await connector.resolve(daniel)).id == str(DEMO.person("daniel-oconnor").trackerrms_id)
    with pytest.raises(RecordNotResolved, match=r"^TrackerRMS has no single contact named Nobody"):
        await connector.resolve(daniel.model_copy(update={"name": "Nobody"}))
    stranger = Record(account_id="tr", type=RecordType.CANDIDATE, id=None, name="Nobody")
    with pytest.raises(RecordNotResolved, match=r"^TrackerRMS has no single talent named Nobody"):
        await connector.resolve(stranger)
