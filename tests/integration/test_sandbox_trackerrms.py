"""The TrackerRMS emulator is at least as strict as the contract.

Plain synchronous httpx against the emulator on loopback: what any client would see.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.sandbox.demo_data import UNKNOWN_NUMBER, load_demo
from app.sandbox.runner import SandboxServer
from app.sandbox.trackerrms.server import DEMO_API_KEY, TrackerRmsSandbox
from app.sandbox.trackerrms.store import ADMIN, COLLEAGUE, INACTIVE, RECRUITER

REDIRECT = "http://127.0.0.1:53682/callback"
SECRET = "sandbox-client-secret"
PASSWORD = {"username": RECRUITER, "password": "demo-password"}
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DEMO = load_demo()
HAND_TIMEOUT = 5.0


@pytest.fixture
def sandbox() -> TrackerRmsSandbox:
    return TrackerRmsSandbox(client_secret=SECRET, redirect_uris=[REDIRECT])


@pytest.fixture
def client(sandbox: TrackerRmsSandbox) -> Iterator[httpx.Client]:
    with SandboxServer(sandbox.make_app) as server, httpx.Client(base_url=server.url, timeout=HAND_TIMEOUT) as c:
        yield c


def call(client: httpx.Client, name: str, credentials: dict[str, Any] | None = None,
         headers: dict[str, str] | None = None, **sections: Any) -> dict[str, Any]:
    """POST one widget call; returns the JSON answer (asserting HTTP 200)."""
    inner: dict[str, Any] = {**sections}
    if credentials is not None:
        inner["credentials"] = credentials
    response = client.post(f"/api/widget/{name}", json={"trackerrms": {name: inner}}, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def ok(client: httpx.Client, name: str, **sections: Any) -> dict[str, Any]:
    answer = call(client, name, PASSWORD, **sections)
    assert answer["status"] == 0, answer
    return answer


def records(client: httpx.Client, **instructions: Any) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = ok(client, "getRecords", instructions=instructions)["results"]
    return results


# -- the envelope ---------------------------------------------------------------------------------------


def test_wrong_content_type_is_refused(client: httpx.Client) -> None:
    response = client.post("/api/widget/checkLogon", content=b"trackerrms=1",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415


def test_malformed_json_is_status_99(client: httpx.Client) -> None:
    response = client.post("/api/widget/checkLogon", content=b'{"trackerrms": {', headers={
        "Content-Type": "application/json"})
    assert response.status_code == 200
    assert response.json()["status"] == 99
    assert "not valid JSON" in response.json()["message"]


@pytest.mark.parametrize(
    "body",
    [{"checkLogon": {}}, {"trackerrms": {"checkPerson": {}}}, {"trackerrms": {"checkLogon": []}},
     {"trackerrms": {"checkLogon": {}}, "extra": 1}, [1, 2]],
)
def test_a_wrong_envelope_is_status_99(client: httpx.Client, body: Any) -> None:
    answer = client.post("/api/widget/checkLogon", json=body).json()
    assert answer["status"] == 99 and "expected" in answer["message"]


def test_unknown_calls_and_methods(client: httpx.Client) -> None:
    assert client.post("/api/widget/deleteEverything", json={}).status_code == 404
    assert client.get("/api/widget/checkLogon").status_code == 405


def test_unknown_fields_are_refused(client: httpx.Client) -> None:
    # The seed's sample puts instructions inside credentials; the emulator will not play along.
    answer = call(client, "createContact", {**PASSWORD, "createcompanyifnotexists": True},
                  contact={"firstname": "A", "lastname": "B"})
    assert answer["status"] == 99 and "credentials.createcompanyifnotexists" in answer["message"]


# -- authentication -----------------------------------------------------------------------------------------


def test_check_logon_statuses(client: httpx.Client, sandbox: TrackerRmsSandbox) -> None:
    assert call(client, "checkLogon", PASSWORD) == {"status": 0, "message": "success", "count": 0}
    assert call(client, "checkLogon", {"username": "nobody@x.example", "password": "pw"})["status"] == 1
    assert call(client, "checkLogon", {"username": RECRUITER, "password": "wrong"})["status"] == 1
    inactive = sandbox.users[INACTIVE]
    assert call(client, "checkLogon", {"username": INACTIVE, "password": inactive.password}) == {
        "status": 2, "message": "user not active", "count": 0}
    assert call(client, "checkLogon", {"username": RECRUITER})["status"] == 99
    assert call(client, "checkLogon", {"password": "x"})["status"] == 99


def test_api_key(client: httpx.Client, sandbox: TrackerRmsSandbox) -> None:
    assert call(client, "checkLogon", {"apikey": DEMO_API_KEY})["status"] == 0
    assert call(client, "checkLogon", {"apikey": "nope-nope"})["status"] == 1
    sandbox.set_user_active(ADMIN, False)
    assert call(client, "checkLogon", {"apikey": DEMO_API_KEY})["status"] == 2


def test_exactly_one_auth_method(client: httpx.Client, sandbox: TrackerRmsSandbox) -> None:
    token = sandbox.issue_tokens()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert call(client, "checkLogon", {}, headers=bearer)["status"] == 0
    assert call(client, "checkLogon", None, headers=bearer)["status"] == 0
    assert call(client, "checkLogon", {"oauthtoken": token})["status"] == 0
    for credentials, headers in [(PASSWORD, bearer), ({"apikey": DEMO_API_KEY, **PASSWORD}, None),
                                 ({"oauthtoken": token}, bearer), ({"oauthtoken": token, "apikey": "k"}, None)]:
        answer = call(client, "checkLogon", credentials, headers=headers)
        assert answer["status"] == 99 and "only one authentication method" in answer["message"]
    assert call(client, "checkLogon", {})["message"].startswith("Invalid request: no credentials")


def test_bearer_tokens_expire_with_401(client: httpx.Client, sandbox: TrackerRmsSandbox) -> None:
    token = sandbox.issue_tokens()["access_token"]
    sandbox.expire_access_tokens()
    response = client.post("/api/widget/checkLogon", json={"trackerrms": {"checkLogon": {}}},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert call(client, "checkLogon", {"oauthtoken": token})["status"] == 1  # in the body: user not found


def test_tokens_act_as_their_user(client: httpx.Client, sandbox: TrackerRmsSandbox) -> None:
    mine = records(client, recordtype="N", onlymyrecords=True)
    theirs = call(client, "getRecords", {}, headers={
        "Authorization": f"Bearer {sandbox.issue_tokens(COLLEAGUE)['access_token']}"},
        instructions={"recordtype": "N", "onlymyrecords": True})["results"]
    assert mine and theirs and not {r["id"] for r in mine} & {r["id"] for r in theirs}


# -- OAuth --------------------------------------------------------------------------------------------------


def authorize(client: httpx.Client, **overrides: str | None) -> httpx.Response:
    params: dict[str, str | None] = {"client_id": "EvoApi_1.0", "redirect_uri": REDIRECT, "scope": "read,write",
                                     "response_type": "code", "state": "st-123"}
    params.update(overrides)
    return client.get("/oAuth2/Authorize", params={k: v for k, v in params.items() if v is not None})


def redirect(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(REDIRECT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def token(client: httpx.Client, **form: str) -> httpx.Response:
    return client.post("/oAuth2/Token", data={"client_id": "EvoApi_1.0", "client_secret": SECRET,
                                              "redirect_uri": REDIRECT, **form})


def test_the_authorization_code_flow(client: httpx.Client, sandbox: TrackerRmsSandbox) -> None:
    reply = redirect(authorize(client))
    assert reply["state"] == "st-123"
    first = token(client, grant_type="authorization_code", code=reply["code"])
    assert first.status_code == 200
    issued = first.json()
    assert GUID.fullmatch(issued["access_token"]) and GUID.fullmatch(issued["refresh_token"])
    assert issued["expires_in"] > 0
    again = token(client, grant_type="authorization_code", code=reply["code"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"  # codes are single use
    refreshed = token(client, grant_type="refresh_token", refresh_token=issued["refresh_token"])
    assert refreshed.status_code == 200 and refreshed.json()["access_token"] != issued["access_token"]
    reused = token(client, grant_type="refresh_token", refresh_token=issued["refresh_token"])
    assert reused.status_code == 400  # refresh tokens rotate
    assert sandbox.refresh_count == 1
    bearer = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
    assert call(client, "checkLogon", {}, headers=bearer)["status"] == 0


def test_authorize_refusals(client: httpx.Client, sandbox: TrackerRmsSandbox) -> None:
    assert authorize(client, client_id="someone-else").status_code == 400
    assert authorize(client, redirect_uri="/relative").status_code == 400
    assert redirect(authorize(client, scope="read write"))["error"] == "invalid_scope"
    assert redirect(authorize(client, response_type="token"))["error"] == "unsupported_response_type"
    assert redirect(authorize(client, state=None))["error"] == "invalid_request"
    sandbox.deny_next_authorization()
    assert redirect(authorize(client)) == {"error": "access_denied", "state": "st-123"}


def test_token_refusals(client: httpx.Client) -> None:
    code = redirect(authorize(client))["code"]
    assert client.post("/oAuth2/Token", json={"grant_type": "authorization_code", "code": code}).status_code == 400
    assert token(client, grant_type="authorization_code", code=code, client_secret="wrong").status_code == 401
    code = redirect(authorize(client))["code"]
    other = token(client, grant_type="authorization_code", code=code, redirect_uri="http://127.0.0.1:1/cb")
    assert other.json()["error"] == "invalid_grant"
    assert token(client, grant_type="password").json()["error"] == "unsupported_grant_type"


# -- checkPerson -----------------------------------------------------------------------------------------------


def test_check_person_by_national_digits(client: httpx.Client) -> None:
    priya = DEMO.person("priya-raman")
    answer = ok(client, "checkPerson", details={"phone": "0491570006"})
    assert answer["count"] == 1 and answer["recordTypes"] == "C"
    assert answer["recordLink"].endswith(f"/web/contacts/{priya.trackerrms_id}")
    assert answer["firstRecord"] == {"fullname": priya.full_name, "jobtitle": priya.job_title,
                                     "company": priya.company, "phone": "(02) 5550 0110", "cell": "0491 570 006",
                                     "email": priya.email, "linkedin": ""}
    assert "id" not in answer["firstRecord"]  # the real API gives no id either
    assert ok(client, "checkPerson", details={"phone": "61491570006"})["count"] == 0  # stored nationally
    assert ok(client, "checkPerson", details={"email": priya.email.upper()})["recordTypes"] == "C"


def test_check_person_types_and_misses(client: httpx.Client) -> None:
    assert ok(client, "checkPerson", details={"phone": "0491571266"})["recordTypes"] == "R"
    assert ok(client, "checkPerson", details={"phone": "0491570090"})["recordTypes"] == "U"
    shared = ok(client, "checkPerson", details={"phone": "0370100200"})
    assert (shared["count"], shared["recordTypes"]) == (2, "C")
    assert "/web/search/" in shared["recordLink"]
    assert ok(client, "checkPerson", details={"phone": "0" + UNKNOWN_NUMBER[3:]}) == {
        "status": 0, "message": "success", "count": 0, "recordLink": "", "recordTypes": ""}


@pytest.mark.parametrize("details", [{}, {"phone": "+61491570006"}, {"phone": "0491 570 006"}, {"phone": 491570006},
                                     {"fax": "1"}])
def test_check_person_refuses_bad_details(client: httpx.Client, details: dict[str, Any]) -> None:
    assert call(client, "checkPerson", PASSWORD, details=details)["status"] == 99


def test_the_seeds_cyrillic_letters() -> None:
    sandbox = TrackerRmsSandbox(cyrillic_record_types=True)
    with SandboxServer(sandbox.make_app) as server, httpx.Client(base_url=server.url) as client:
        assert ok(client, "checkPerson", details={"phone": "0491571266"})["recordTypes"] == "Р"


def test_every_trackerrms_demo_number_and_no_other(client: httpx.Client) -> None:
    for person in DEMO.people:
        for number in person.numbers:
            digits = "0" + number[3:]
            found = ok(client, "checkPerson", details={"phone": digits})["count"]
            expected = len(DEMO.matching(number, "trackerrms"))
            assert found == expected, (person.key, number)


# -- getRecords -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("letter", ["C", "N", "L", "O", "P", "T", "R", "X"])
def test_every_record_type(client: httpx.Client, letter: str) -> None:
    rows = records(client, recordtype=letter)
    assert rows
    assert set(rows[0]) >= {"id", "name", "company", "status", "dateopened", "details"}


def test_opportunity_states_and_search(client: httpx.Client) -> None:
    statuses = {r["status"] for r in records(client, recordtype="O", numrecords=500)}
    assert statuses == {"Open", "Closed", "Won"}
    assert {r["status"] for r in records(client, recordtype="O", state="open", numrecords=500)} == {"Open"}
    assert {r["status"] for r in records(client, recordtype="O", state="closed", numrecords=500)} == {"Closed"}
    assert [r["name"] for r in records(client, recordtype="O", state="won")] == ["Data Engineer"]
    assert [r["name"] for r in records(client, recordtype="O", searchtext="platform")] == ["Platform Engineer"]
    assert [r["id"] for r in records(client, recordtype="N", searchtext="priya RAMAN")] == [
        DEMO.person("priya-raman").trackerrms_id]
    assert [r["id"] for r in records(client, recordtype="R", recordid=20511)] == [20511]


def test_paging_and_sorting(client: httpx.Client) -> None:
    everyone = records(client, recordtype="N", numrecords=500)
    # Pages count from 0, as the academy's sample request sends it.
    pages = [records(client, recordtype="N", numrecords=2, pagenum=n) for n in (0, 1, 2, 3)]
    assert [r["id"] for page in pages for r in page] == [r["id"] for r in everyone]
    assert [len(p) for p in pages] == [2, 2, 1, 0]
    by_name = [r["name"] for r in records(client, recordtype="N", sortfield="name", sortdir="desc")]
    assert by_name == sorted(by_name, reverse=True)


@pytest.mark.parametrize(
    "instructions",
    [{"recordtype": "Z"}, {"recordtype": "0"}, {}, {"recordtype": "N", "numrecords": 0},
     {"recordtype": "N", "pagenum": -1}, {"recordtype": "N", "onlymyrecords": "true"},
     {"recordtype": "N", "state": "x"},
     {"recordtype": "N", "sortfield": "salary"}, {"recordtype": "N", "updatedafter": "2022-01-01T12:00:00"},
     {"recordtype": "N", "includecustomfields": "false"}],
)
def test_get_records_refuses_bad_instructions(client: httpx.Client, instructions: dict[str, Any]) -> None:
    assert call(client, "getRecords", PASSWORD, instructions=instructions)["status"] == 99


# -- creating -------------------------------------------------------------------------------------------------


JANE = {"firstname": "Jane", "lastname": "Selby", "company": "Wonderful Java Inc", "cellphone": "0491 570 222"}


def test_create_contact(client: httpx.Client, sandbox: TrackerRmsSandbox) -> None:
    answer = call(client, "createContact", PASSWORD, contact=JANE)
    assert answer["status"] == 99 and "no company named 'Wonderful Java Inc'" in answer["message"]
    how = {"createcompanyifnotexists": True, "overwritecontact": False}
    created = ok(client, "createContact", instructions=how, contact=JANE)
    assert (created["message"], created["recordName"]) == ("created", "Jane Selby")
    assert ok(client, "checkPerson", details={"phone": "0491570222"})["recordTypes"] == "C"
    assert [r["name"] for r in records(client, recordtype="C", searchtext="wonderful")] == ["Wonderful Java Inc"]
    assert call(client, "createContact", PASSWORD, instructions=how, contact=JANE) == {
        "status": 3, "message": "record found and cannot be overwritten", "count": 0}
    updated = ok(client, "createContact", instructions={**how, "overwritecontact": True},
                 contact={**JANE, "jobtitle": "Lead"})
    assert (updated["message"], updated["recordId"]) == ("updated", created["recordId"])
    assert [c["message"] for c in sandbox.created()] == ["created", "updated"]
    assert call(client, "createContact", PASSWORD, contact={"company": ""})["status"] == 99


def test_create_resource(client: httpx.Client) -> None:
    assert ok(client, "createResource", resource={**JANE, "source": "Phone call"})["message"] == "created"
    assert call(client, "createResource", PASSWORD, resource=JANE)["status"] == 3
    assert call(client, "createResource", PASSWORD, instructions={"assigntoopportunity": 1},
                resource={"firstname": "X", "lastname": "Y"})["status"] == 99
    assert call(client, "createResource", PASSWORD, resource={"firstname": "X", "lastname": "Y",
                                                              "dateofbirth": "1984-13-01"})["status"] == 99


def _resume(filename: str, content: bytes) -> dict[str, Any]:
    """A CV's `file` section (Widget API v1.11: beside `resource`, not inside it)."""
    return {"filename": filename, "data": base64.b64encode(content).decode()}


def test_create_resource_from_resume(client: httpx.Client) -> None:
    created = ok(client, "createResourceFromResume", file=_resume("jane_selby-CV.docx", b"PK\x03\x04word"))
    assert created["recordName"] == "Jane Selby"
    assert ok(client, "createResourceFromResume", resource={"firstname": "Omar", "lastname": "Haddad"},
              file=_resume("cv.pdf", b"%PDF-1.7"))["recordName"] == "Omar Haddad"
    assert call(client, "createResourceFromResume", PASSWORD,
                file=_resume("jane selby.pdf", b"%PDF-1"))["status"] == 3


@pytest.mark.parametrize(
    "cv",
    [_resume("cv.txt", b"text"), _resume("cv.pdf", b"PK\x03\x04"), _resume("cv.doc", b"%PDF-1"),
     {"filename": "cv.pdf", "data": "%%%not base64"}, _resume("resume.pdf", b"%PDF-1"), {"filename": "cv.pdf"}],
)
def test_resumes_trackerrms_cannot_read(client: httpx.Client, cv: dict[str, Any]) -> None:
    assert call(client, "createResourceFromResume", PASSWORD, file=cv)["status"] == 99


@pytest.mark.parametrize(
    "sections",
    [{"resource": _resume("cv.pdf", b"%PDF-1.7")},  # the CV inside `resource`: not in the reference
     {"resource": _resume("cv.pdf", b"%PDF-1.7"), "file": _resume("cv.pdf", b"%PDF-1.7")},
     {"resource": {"firstname": "Omar", "lastname": "Haddad"}},  # no `file` at all
     {"instructions": {"overwriteresource": True}, "file": _resume("cv.pdf", b"%PDF-1.7")}],
)
def test_a_resume_outside_the_reference_shape_is_refused(client: httpx.Client, sections: dict[str, Any]) -> None:
    assert call(client, "createResourceFromResume", PASSWORD, **sections)["status"] == 99


def test_create_lead(client: httpx.Client) -> None:
    lead = {"leadname": "Phone call from Jane Selby", "source": "Phone call", "leadpersontype": "R", **JANE}
    answer = ok(client, "createLead", instructions={"createpersonifnotexists": True}, lead=lead)
    assert answer["recordName"] == "Phone call from Jane Selby"
    assert ok(client, "checkPerson", details={"phone": "0491570222"})["recordTypes"] == "R"
    assert call(client, "createLead", PASSWORD, lead={**lead, "leadpersontype": "C"})["status"] == 99
    assert call(client, "createLead", PASSWORD, lead={**lead, "leadname": ""})["status"] == 99


# -- createActivity --------------------------------------------------------------------------------------------

ACTIVITY = {"subject": "Inbound call with Priya Raman", "type": "Telephone", "date": "2024-03-06",
            "time": "10:10 AM", "status": "Completed", "contactType": "Inbound", "note": "Hi",
            "linkRecordType": "N", "linkRecordId": DEMO.person("priya-raman").trackerrms_id}


def test_create_activity(client: httpx.Client, sandbox: TrackerRmsSandbox) -> None:
    answer = ok(client, "createActivity", activity=ACTIVITY)
    assert answer["message"] == "created" and isinstance(answer["recordId"], int)
    assert sandbox.activities() == [ACTIVITY]


@pytest.mark.parametrize(
    "change",
    [{"date": "2024-02-30"}, {"date": "06/03/2024"}, {"time": "9:05 AM"}, {"time": "09:05"}, {"time": "13:05 PM"},
     {"time": "10:10 am"}, {"contactType": "inbound"}, {"contactType": None}, {"linkRecordType": "Q"},
     {"linkRecordId": 999999}, {"linkRecordId": "10412"}, {"linkRecordType": "R"}, {"type": "Phone"},
     {"status": "Done"}, {"subject": ""}, {"userId": 999}, {"priority": "Urgent"}, {"colour": "red"}],
)
def test_create_activity_is_strict(client: httpx.Client, sandbox: TrackerRmsSandbox, change: dict[str, Any]) -> None:
    activity = {k: v for k, v in {**ACTIVITY, **change}.items() if v is not None}
    answer = call(client, "createActivity", PASSWORD, activity=activity)
    assert answer["status"] == 99, answer
    assert sandbox.activities() == []


# -- the screen pop ------------------------------------------------------------------------------------------


def test_inbound_call(client: httpx.Client, sandbox: TrackerRmsSandbox) -> None:
    pop = {"Source": "61491570006", "Destination": "61255500250"}
    assert client.get("/api/telephone/inboundCall", params=pop).json() == {"status": 0, "message": "success",
                                                                            "count": 0}
    assert client.post("/api/telephone/inboundCall", params=pop).json()["status"] == 0
    assert sandbox.screen_pops() == [{"source": "61491570006", "destination": "61255500250", "user": RECRUITER}] * 2


@pytest.mark.parametrize(
    ("query", "status"),
    [({"Source": "+61491570006", "Destination": "61255500250"}, 99), ({"Source": "61491570006"}, 99),
     ({"Source": "0491570006", "Destination": "61255500250"}, 99),
     ({"Source": "61491570006", "Destination": "61255500999"}, 1)],
)
def test_inbound_call_refusals(client: httpx.Client, query: dict[str, str], status: int) -> None:
    assert client.get("/api/telephone/inboundCall", params=query).json()["status"] == status


def test_inbound_call_auth(client: httpx.Client, sandbox: TrackerRmsSandbox) -> None:
    pop = {"Source": "61491570006", "Destination": "61255500250"}
    bad = client.get("/api/telephone/inboundCall", params=pop, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    sandbox.set_user_active(RECRUITER, False)
    assert client.get("/api/telephone/inboundCall", params=pop).json()["status"] == 2


# -- journal and pages --------------------------------------------------------------------------------------


def test_the_journal_keeps_no_secrets(client: httpx.Client, sandbox: TrackerRmsSandbox) -> None:
    tokens = sandbox.issue_tokens()
    call(client, "checkLogon", PASSWORD)
    call(client, "checkLogon", {"apikey": DEMO_API_KEY})
    call(client, "checkLogon", {"oauthtoken": tokens["access_token"]})
    call(client, "checkLogon", {}, headers={"Authorization": f"Bearer {tokens['access_token']}"})
    token(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    text = repr(sandbox.journal.entries())
    for secret in ("demo-password", DEMO_API_KEY, tokens["access_token"], tokens["refresh_token"], SECRET):
        assert secret not in text


def test_record_links_open_a_page(client: httpx.Client) -> None:
    link = ok(client, "checkPerson", details={"phone": "0491570006"})["recordLink"]
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200 and "Priya Raman" in page.text
