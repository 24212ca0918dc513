"""TrackerRMS: every request the connector sends, compared with a golden transcribed from the public
reference named beside it; the emulator accepts each golden and refuses what the reference rules out.

References: the Widget API v1.11 text (swt83/php-tracker docs/API Documentation.pdf, of which seed 001 is an
extract; src/Tracker.php shows the envelope and headers) and the TrackerRMS academy lessons (getRecords
361, inboundCall 365, createActivity 1123). Samples list every credential and optional field; a request
sends one authentication method and the fields it needs, so objects are compared as subsets of the
sample where the sample is a menu, and exactly where it is a shape.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.core.models import CallEvent, Direction, EventType, NoteDraft
from app.core.ports import NewPerson
from app.crm._shared.browser_sign_in import authorize
from app.crm.trackerrms.connector import TrackerRmsConnector
from app.crm.trackerrms.settings import TrackerRmsAccount
from app.sandbox.demo_data import load_demo
from app.sandbox.journal import JournalEntry
from app.sandbox.runner import SandboxServer
from app.sandbox.trackerrms.server import DEMO_API_KEY, TrackerRmsSandbox
from app.sandbox.trackerrms.store import RECRUITER, default_users
from app.storage.secrets import KeyringSecrets, MemoryKeyring
from tests.contract.wire_shape import CLOCK, DATE, E164_DIGITS, Like, differences, example
from tests.support import caller, free_redirect_uri

CLIENT_SECRET = "contract-tr-secret"
PASSWORD = next(u.password for u in default_users() if u.username == RECRUITER)
DEMO = load_demo()
PRIYA = DEMO.person("priya-raman")
RECRUITER_PHONE = "+61255500250"
WIDGET = "/api/widget/"

# -- goldens -----------------------------------------------------------------------------------------------

# Widget API v1.11 (every call): the credentials block offers these; "use only 1" of the methods.
CREDENTIALS = {"username": Like("my.name@domain.com"), "password": Like("Welcome123"),
               "oauthtoken": Like("1bc7ca1e-8b9a-11e9-bc42-526af7764f64"), "apikey": Like("knREmvtzyRfBMfep2mvn")}
# Widget API v1.11, checkLogon.
CHECK_LOGON = {"credentials": CREDENTIALS}
# Widget API v1.11, checkPerson: details {email, phone, linkedin}.
CHECK_PERSON = {"credentials": CREDENTIALS,
                "details": {"email": Like("person.name@domain.com"), "phone": Like("5557672"),
                            "linkedin": Like("http://www.linkedin.com/my/profile")}}
# Academy lesson 361, getRecords: the full instructions of the sample; pagenum counts from 0.
GET_RECORDS = {"credentials": CREDENTIALS, "instructions": {
    "recordtype": Like("O"), "recordid": Like(0), "state": Like("open"), "searchtext": Like(""),
    "onlymyrecords": Like(True), "numrecords": Like(100), "pagenum": Like(0),
    "sortfield": Like("lastupdateddatetime"), "sortdir": Like("asc"), "updatedbefore": Like("2022-01-01 12:00:00"),
    "updatedafter": Like("2022-01-01 12:00:00"), "includecustomfields": Like(False)}}
# Academy lesson 1123, createActivity: instructions {}, the activity, customfields beside it.
CREATE_ACTIVITY = {"credentials": CREDENTIALS, "instructions": {}, "activity": {
    "subject": Like("Telephone Call to Customer X"), "type": "Telephone", "date": Like("2023-01-01", DATE),
    "time": Like("11:34 AM", CLOCK), "status": "Completed", "priority": Like("Medium"),
    "contactType": Like("Outbound"), "note": Like("Lorem ipsum dolor sit amet."), "userId": Like(20),
    "linkRecordType": Like("N"), "linkRecordId": Like(1234)},
    "customfields": [{"id": Like(448), "value": Like("High")}]}
# Academy lesson 365, the POST form of the screen pop: credentials and instructions {source, destination}.
INBOUND_CALL = {"credentials": CREDENTIALS, "instructions": {
    "source": Like("441234567890", E164_DIGITS), "destination": Like("446543210987", E164_DIGITS)}}
# Academy lesson 365 / Widget API v1.11, the GET form: /api/telephone/inboundCall?Source=…&Destination=…
INBOUND_CALL_QUERY = {"Source": Like("00000000000", E164_DIGITS), "Destination": Like("00000000000", E164_DIGITS)}
# Widget API v1.11, getSettingsData: credentials only (the sample's inner name reads "checkPerson", a slip).
GET_SETTINGS = {"credentials": CREDENTIALS}
# Widget API v1.11, createContact.
_PERSON = {k: Like("x") for k in ("firstname", "lastname", "fullname", "jobtitle", "company", "address1", "address2",
                                   "city", "state", "zipcode", "country", "homephone", "cellphone", "email",
                                   "linkedin", "note", "image")}
CREATE_CONTACT = {"credentials": CREDENTIALS,
                  "instructions": {"createcompanyifnotexists": Like(True), "overwritecontact": Like(False)},
                  "contact": {**_PERSON, "businessphone": Like("555-2387"), "website": Like("")}}
# Widget API v1.11, createResource.
CREATE_RESOURCE = {"credentials": CREDENTIALS,
                   "instructions": {"overwriteresource": Like(False), "assigntoopportunity": Like(1654),
                                    "assigntolist": Like("short"), "shortlistedby": Like("resource")},
                   "resource": {**_PERSON, "workphone": Like(""), "dateofbirth": Like("1984-04-28", DATE),
                                "nationality": Like("x"), "languages": Like("x"), "education": Like("x"),
                                "source": Like("Website"), "salary": Like(33000),
                                "jobhistory": [{k: Like("x") for k in ("company", "jobtitle", "startdate", "enddate",
                                                                        "description")}]}}
# Seed 001 (Widget API), createLead: leadpersontype N (contact) or R (resource).
CREATE_LEAD = {"credentials": CREDENTIALS,
               "instructions": {"createpersonifnotexists": Like(True), "notifydepartment": Like(False)},
               "lead": {**CREATE_CONTACT["contact"], "leadname": Like("New Contact Us Submission"),  # type: ignore[dict-item]
                        "department": Like("Sales"), "source": Like("Website"), "description": Like("x"),
                        "leadpersontype": Like("N")}}
# Widget API v1.11, createResourceFromResume: the file in a section of its own.
CREATE_RESUME = {"credentials": CREDENTIALS,
                 "instructions": {"assigntoopportunity": Like(1654), "assigntolist": Like("short"),
                                  "shortlistedby": Like("user")},
                 "resource": {k: Like("x") for k in ("firstname", "lastname", "fullname", "jobtitle", "email", "note",
                                                     "source")},
                 "file": {"filename": Like("Jane Selby Resume.docx"), "data": Like("ADDSF48ghsz0qv34vew...")}}
# Seed 001: GET /oAuth2/Authorize {client_id "EvoApi_1.0", response_type "code", scope "read,write",
# redirect_uri, state}; POST /oAuth2/Token {client_id, redirect_uri, grant_type, client_secret, code |
# refresh_token}: redirect_uri on both grants.
AUTHORIZE = {"client_id": "EvoApi_1.0", "response_type": "code", "scope": "read,write",
             "redirect_uri": Like("uri"), "state": Like("state")}
TOKEN_CODE = {"client_id": "EvoApi_1.0", "redirect_uri": Like("uri"), "grant_type": "authorization_code",
              "client_secret": Like("secret"), "code": Like("code")}
TOKEN_REFRESH = {"client_id": "EvoApi_1.0", "redirect_uri": Like("uri"), "grant_type": "refresh_token",
                 "client_secret": Like("secret"), "refresh_token": Like("token")}


# -- fixtures ----------------------------------------------------------------------------------------------


@pytest.fixture
def emulator() -> Iterator[tuple[TrackerRmsSandbox, SandboxServer]]:
    sandbox = TrackerRmsSandbox(client_secret=CLIENT_SECRET)
    with SandboxServer(sandbox.make_app) as server:
        yield sandbox, server


@pytest.fixture
def secrets() -> KeyringSecrets:
    store = KeyringSecrets(backend=MemoryKeyring())
    store.set("tr", "password", PASSWORD)
    store.set("tr", "apikey", DEMO_API_KEY)
    store.set("tr", "client_secret", CLIENT_SECRET)
    return store


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as made:
        yield made


def _connector(server: SandboxServer, client: httpx.AsyncClient, secrets: KeyringSecrets,
               **changes: Any) -> TrackerRmsConnector:
    settings = {"kind": "trackerrms", "id": "tr", "api_url": server.url, "auth": "password", "username": RECRUITER,
                "notify_inbound": True, "destination": RECRUITER_PHONE, **changes}
    return TrackerRmsConnector(TrackerRmsAccount.model_validate(settings), client, secrets)


def _call(sandbox: TrackerRmsSandbox, call: str) -> tuple[JournalEntry, dict[str, Any]]:
    [entry] = sandbox.journal.entries(WIDGET + call, "POST")
    assert entry.headers["content-type"].startswith("application/json")  # Tracker.php, v1.11: JSON only
    assert entry.headers["accept"] == "application/json"  # Tracker.php sends it
    assert list(entry.json) == ["trackerrms"] and list(entry.json["trackerrms"]) == [call]
    inner: dict[str, Any] = entry.json["trackerrms"][call]
    return entry, inner


def _check(inner: dict[str, Any], golden: dict[str, Any], sections: set[str]) -> None:
    assert set(inner) == sections
    assert differences(inner, golden, subset=True) == []
    assert len(inner["credentials"]) <= 2  # one method: username + password, or apikey, or none (Bearer)


def _ring(number: str = "0491 570 006") -> CallEvent:
    return CallEvent(type=EventType.RING, number=caller(number), direction=Direction.INBOUND, at=datetime.now(UTC))


def _jane() -> NewPerson:
    return NewPerson.model_validate({"first_name": "Jane", "last_name": "Selby", "job_title": "Java Programmer",
                                     "company": "Wonderful Java Inc", "phone": "+61491570222",
                                     "email": "jane.selby@wonderful.example", "note": "Rang about roles"})


# -- the connector sends the goldens ---------------------------------------------------------------------


async def test_lookup_jobs_and_logging_match_the_references(
    emulator: tuple[TrackerRmsSandbox, SandboxServer], client: httpx.AsyncClient, secrets: KeyringSecrets,
) -> None:
    sandbox, server = emulator
    connector = _connector(server, client, secrets, user_id=101)
    await connector.check_logon()
    _check(_call(sandbox, "checkLogon")[1], CHECK_LOGON, {"credentials"})
    await connector.warm_up()
    _check(_call(sandbox, "getSettingsData")[1], GET_SETTINGS, {"credentials"})
    [priya] = await connector.lookup(caller(PRIYA.numbers[0]))
    _check(_call(sandbox, "checkPerson")[1], CHECK_PERSON, {"credentials", "details"})
    await connector.open_jobs(priya)
    _, jobs = _call(sandbox, "getRecords")
    _check(jobs, GET_RECORDS, {"credentials", "instructions"})
    assert jobs["instructions"]["pagenum"] == 0  # the first page, as the sample sends it
    note = NoteDraft(call_id="c1", account_id="tr", record=priya, direction=Direction.INBOUND, text="Talked.",
                     call_started_at=datetime(2024, 3, 5, 23, 10, tzinfo=UTC), duration_s=60)
    await connector.log_call(note)
    _, activity = _call(sandbox, "createActivity")
    _check(activity, CREATE_ACTIVITY, {"credentials", "instructions", "activity"})
    assert activity["instructions"] == {}
    assert activity["activity"]["userId"] == 101  # the user is named where the account sets one
    assert activity["activity"]["contactType"] in {"Inbound", "Outbound"}


@pytest.mark.parametrize("auth", ["password", "apikey"])
async def test_the_screen_pop_matches_lesson_365(
    emulator: tuple[TrackerRmsSandbox, SandboxServer], client: httpx.AsyncClient, secrets: KeyringSecrets, auth: str,
) -> None:
    sandbox, server = emulator
    await _connector(server, client, secrets, auth=auth).notify(_ring(PRIYA.numbers[0]))
    entry, inner = _call(sandbox, "inboundCall")
    _check(inner, INBOUND_CALL, {"credentials", "instructions"})
    assert "authorization" not in entry.headers and entry.query == {}
    assert inner["instructions"] == {"source": PRIYA.numbers[0].lstrip("+"), "destination": RECRUITER_PHONE[1:]}
    assert len(sandbox.screen_pops()) == 1


async def test_oauth_matches_the_seed(
    emulator: tuple[TrackerRmsSandbox, SandboxServer], client: httpx.AsyncClient, secrets: KeyringSecrets,
) -> None:
    sandbox, server = emulator
    redirect_uri = free_redirect_uri()
    sandbox.register_redirect_uri(redirect_uri)
    connector = _connector(server, client, secrets, auth="oauth", redirect_uri=redirect_uri, pkce=False)
    assert connector.oauth is not None
    async with httpx.AsyncClient(timeout=5, follow_redirects=True) as browser:
        visits: list[asyncio.Task[httpx.Response]] = []
        await authorize(connector.oauth,
                        lambda url: visits.append(asyncio.get_running_loop().create_task(browser.get(url))),
                        timeout_s=10)
        await asyncio.gather(*visits)
    [visit] = sandbox.journal.entries("/oAuth2/Authorize", "GET")
    assert differences(visit.query, AUTHORIZE, "query") == []
    sandbox.expire_access_tokens()
    await connector.notify(_ring(PRIYA.numbers[0]))  # OAuth: the GET form with the Bearer header
    *refused, pop = sandbox.journal.entries("/api/telephone/inboundCall", "GET")  # a 401, then the refreshed try
    assert [e.status for e in refused] == [401] and pop.status == 200
    assert pop.headers["authorization"] == "<redacted bearer>"
    assert differences(pop.query, INBOUND_CALL_QUERY, "query") == []
    exchange, refresh = sandbox.journal.entries("/oAuth2/Token", "POST")
    for entry, golden in ((exchange, TOKEN_CODE), (refresh, TOKEN_REFRESH)):
        assert entry.headers["content-type"] == "application/x-www-form-urlencoded"
        assert differences(entry.form, golden, "form") == []
        assert entry.form is not None and entry.form["redirect_uri"] == redirect_uri


async def test_new_records_match_the_widget_api(
    emulator: tuple[TrackerRmsSandbox, SandboxServer], client: httpx.AsyncClient, secrets: KeyringSecrets,
) -> None:
    sandbox, server = emulator
    connector = _connector(server, client, secrets)
    await connector.create_contact(_jane())
    _check(_call(sandbox, "createContact")[1], CREATE_CONTACT, {"credentials", "instructions", "contact"})
    await connector.create_candidate(_jane())
    _check(_call(sandbox, "createResource")[1], CREATE_RESOURCE, {"credentials", "instructions", "resource"})
    await connector.create_lead(_jane().model_copy(update={"lead_for": "contact"}))
    _, lead = _call(sandbox, "createLead")
    _check(lead, CREATE_LEAD, {"credentials", "instructions", "lead"})
    assert lead["lead"]["leadpersontype"] in {"N", "R"}


async def test_a_resume_matches_the_widget_api(
    emulator: tuple[TrackerRmsSandbox, SandboxServer], client: httpx.AsyncClient, secrets: KeyringSecrets,
    tmp_path: Path,
) -> None:
    sandbox, server = emulator
    cv = tmp_path / "Jane Selby CV.pdf"
    cv.write_bytes(b"%PDF-1.4 resume")
    await _connector(server, client, secrets).create_candidate_from_resume(cv, _jane())
    _check(_call(sandbox, "createResourceFromResume")[1], CREATE_RESUME,
           {"credentials", "instructions", "resource", "file"})


# -- the emulator accepts the goldens and refuses what the reference rules out ---------------------------------


def _send(client: httpx.Client, server: SandboxServer, call: str, inner: dict[str, Any]) -> dict[str, Any]:
    answer = client.post(f"{server.url}{WIDGET}{call}", json={"trackerrms": {call: inner}})
    assert answer.status_code == 200, answer.text
    reply: dict[str, Any] = answer.json()
    return reply


def _as_recruiter(golden: dict[str, Any], **sections: Any) -> dict[str, Any]:
    """The golden as printed, with one working authentication method (the sample lists them all)."""
    return {**example(golden), "credentials": {"username": RECRUITER, "password": PASSWORD}, **sections}


def test_the_emulator_takes_the_goldens_and_refuses_deviations(
    emulator: tuple[TrackerRmsSandbox, SandboxServer],
) -> None:
    _, server = emulator
    contact = PRIYA.trackerrms_id
    with httpx.Client(timeout=5) as client:
        assert _send(client, server, "checkLogon", _as_recruiter(CHECK_LOGON))["status"] == 0
        assert _send(client, server, "checkPerson", _as_recruiter(CHECK_PERSON))["status"] == 0
        records = _send(client, server, "getRecords", _as_recruiter(GET_RECORDS))
        assert records["status"] == 0 and all(isinstance(r["details"], list) and "recordLink" not in r
                                              for r in records["results"])
        activity = {**example(CREATE_ACTIVITY)["activity"], "userId": 101, "linkRecordId": contact}
        assert _send(client, server, "createActivity", _as_recruiter(CREATE_ACTIVITY, activity=activity))["status"] == 0
        pop = {"source": "441234567890", "destination": RECRUITER_PHONE[1:]}
        assert _send(client, server, "inboundCall", _as_recruiter(INBOUND_CALL, instructions=pop))["status"] == 0
        settings = _send(client, server, "getSettingsData", _as_recruiter(GET_SETTINGS))
        assert settings["status"] == 0 and settings["namingConventions"]["resource"] == "Candidate"
        # "Use only 1 of the following authentication methods" (v1.11): the sample's full block is refused.
        assert _send(client, server, "checkLogon", example(CHECK_LOGON))["status"] == 99
        # Dates, times and numbers in other formats than the samples show are refused.
        for broken in ({"date": "06/03/2024"}, {"time": "2:05 PM"}, {"linkRecordId": str(contact)}):
            sent = _as_recruiter(CREATE_ACTIVITY, activity={**activity, **broken})
            assert _send(client, server, "createActivity", sent)["status"] == 99
        plus = _as_recruiter(INBOUND_CALL, instructions={**pop, "source": "+441234567890"})
        assert _send(client, server, "inboundCall", plus)["status"] == 99
        assert _send(client, server, "getRecords", _as_recruiter(GET_RECORDS, instructions={
            **example(GET_RECORDS)["instructions"], "pagenum": -1}))["status"] == 99


def test_the_emulator_takes_the_resume_golden_and_refuses_the_file_inside_resource(
    emulator: tuple[TrackerRmsSandbox, SandboxServer],
) -> None:
    sandbox, server = emulator
    job = DEMO.jobs_of(PRIYA.key)[0].job_id - 200000  # the emulator's id for one of Priya's open jobs
    assert sandbox.store.get("O", job) is not None
    cv = {"filename": "Jane Selby Resume.docx", "data": base64.b64encode(b"PK\x03\x04word").decode()}
    instructions = {**example(CREATE_RESUME)["instructions"], "assigntoopportunity": job}
    with httpx.Client(timeout=5) as client:
        made = _send(client, server, "createResourceFromResume",
                     _as_recruiter(CREATE_RESUME, instructions=instructions, file=cv))
        assert made["status"] == 0, made
        # The reference defines no filename or data inside `resource`: that shape is refused.
        resource = {"firstname": "Omar", "lastname": "Haddad", **cv}
        old = _as_recruiter(CREATE_RESUME, instructions=instructions, resource=resource)
        del old["file"]
        assert _send(client, server, "createResourceFromResume", old)["status"] == 99
        both = _as_recruiter(CREATE_RESUME, instructions=instructions, resource=resource, file=cv)
        assert _send(client, server, "createResourceFromResume", both)["status"] == 99
