"""The Recruit Wizard emulator is at least as strict as the contract, and its faults are real.

Plain synchronous httpx against the emulator on loopback: what any client would see.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.sandbox.demo_data import UNKNOWN_NUMBER, demo_callers, load_demo
from app.sandbox.faults import FaultKind
from app.sandbox.recruitwizard.server import RecruitWizardSandbox
from app.sandbox.runner import SandboxServer

REDIRECT = "http://127.0.0.1:53682/callback"
SCOPE = "read write offline_access"
JSON = {"Accept": "application/json"}
TWO_MATCH = "61370100200"
PRIYA = 533995  # contact with 3 open jobs and 1 closed
ETHAN = 612004  # candidate
AROHA = 552019  # contact whose jobs are all closed
HAND_TIMEOUT = 5.0  # generous: only reached when something is broken


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sandbox() -> RecruitWizardSandbox:
    return RecruitWizardSandbox(redirect_uris=[REDIRECT])


@pytest.fixture
def server(sandbox: RecruitWizardSandbox) -> Iterator[SandboxServer]:
    with SandboxServer(sandbox.make_app) as srv:
        yield srv


@pytest.fixture
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=HAND_TIMEOUT) as c:
        yield c


def api_headers(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}", **JSON}


@pytest.fixture
def headers(sandbox: RecruitWizardSandbox) -> dict[str, str]:
    return api_headers(sandbox.issue_tokens()["access_token"])


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize(client: httpx.Client, challenge: str | None = None, **overrides: str | None) -> httpx.Response:
    params: dict[str, str | None] = {
        "client_id": "ringside-demo",
        "redirect_uri": REDIRECT,
        "scope": SCOPE,
        "response_type": "code",
        "state": "st4te",
    }
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    params |= overrides
    sent = {k: v for k, v in params.items() if v is not None}
    return client.get("/core/connect/authorize", params=sent, follow_redirects=False)


def redirect_params(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def get_code(client: httpx.Client, challenge: str | None = None) -> str:
    params = redirect_params(authorize(client, challenge))
    assert params["state"] == "st4te"
    return params["code"]


def exchange(client: httpx.Client, code: str, verifier: str | None = None, **overrides: str) -> httpx.Response:
    data = {
        "client_id": "ringside-demo",
        "client_secret": "demo-client-secret",
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
    }
    if verifier is not None:
        data["code_verifier"] = verifier
    return client.post("/core/connect/token", data=data | overrides, headers=JSON)


def refresh(client: httpx.Client, refresh_token: str) -> httpx.Response:
    data = {
        "client_id": "ringside-demo",
        "client_secret": "demo-client-secret",
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
    }
    return client.post("/core/connect/token", data=data, headers=JSON)


def lookup(client: httpx.Client, headers: dict[str, str], number: str) -> httpx.Response:
    return client.get(f"/api/telephony/lookup/{number}", headers=headers)


# --- OAuth -------------------------------------------------------------------------------------


def test_authorization_code_flow_with_pkce_yields_working_tokens(client: httpx.Client) -> None:
    verifier, challenge = pkce_pair()
    response = exchange(client, get_code(client, challenge), verifier)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 86400
    assert set(tokens["scope"].split()) == {"read", "write", "offline_access"}
    assert lookup(client, api_headers(tokens["access_token"]), "61491570006").status_code == 200


def test_flow_without_pkce_is_accepted_unless_required(sandbox: RecruitWizardSandbox, client: httpx.Client) -> None:
    assert exchange(client, get_code(client)).status_code == 200
    sandbox.require_pkce = True
    assert redirect_params(authorize(client))["error"] == "invalid_request"


@pytest.mark.parametrize(
    "overrides",
    [{"client_id": "someone-else"}, {"client_id": None}, {"redirect_uri": None}, {"redirect_uri": "/relative"}],
)
def test_authorize_never_redirects_to_an_untrusted_place(
    client: httpx.Client, overrides: dict[str, str | None]
) -> None:
    response = authorize(client, **overrides)
    assert response.status_code == 400
    assert "location" not in response.headers


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"response_type": None}, "invalid_request"),
        ({"scope": "read write"}, "invalid_scope"),
        ({"scope": None}, "invalid_scope"),
        ({"code_challenge": "x" * 43, "code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "too-short", "code_challenge_method": "S256"}, "invalid_request"),
    ],
)
def test_authorize_problems_come_back_as_errors_with_state(
    client: httpx.Client, overrides: dict[str, str | None], error: str
) -> None:
    params = redirect_params(authorize(client, **overrides))
    assert params["error"] == error
    assert params["state"] == "st4te"
    assert "code" not in params


def test_authorize_requires_state(client: httpx.Client) -> None:
    params = redirect_params(authorize(client, state=None))
    assert params["error"] == "invalid_request"
    assert "state" not in params


def test_user_can_deny_once(sandbox: RecruitWizardSandbox, client: httpx.Client) -> None:
    sandbox.deny_next_authorization()
    assert redirect_params(authorize(client)) == {"error": "access_denied", "state": "st4te"}
    assert "code" in redirect_params(authorize(client))


def test_token_endpoint_refuses_json_body(client: httpx.Client) -> None:
    body = {
        "client_id": "ringside-demo",
        "client_secret": "demo-client-secret",
        "grant_type": "authorization_code",
        "code": get_code(client),
        "redirect_uri": REDIRECT,
    }
    response = client.post("/core/connect/token", json=body, headers=JSON)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_token_endpoint_refuses_accept_without_json(client: httpx.Client) -> None:
    code = get_code(client)
    response = client.post(
        "/core/connect/token",
        data={"client_id": "ringside-demo", "client_secret": "demo-client-secret"}
        | {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 406


def test_wrong_client_secret_is_invalid_client(client: httpx.Client) -> None:
    response = exchange(client, get_code(client), client_secret="guess")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_code_is_single_use_and_a_replay_voids_its_tokens(client: httpx.Client) -> None:
    code = get_code(client)
    first = exchange(client, code)
    assert first.status_code == 200
    replay = exchange(client, code)
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert lookup(client, api_headers(first.json()["access_token"]), "61491570006").status_code == 401


@pytest.mark.parametrize("verifier", [None, "wrong-" + "v" * 50])
def test_pkce_mismatch_is_refused(client: httpx.Client, verifier: str | None) -> None:
    good_verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    response = exchange(client, code, verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    # The code was spent by the failed attempt.
    assert exchange(client, code, good_verifier).json()["error"] == "invalid_grant"


def test_verifier_without_challenge_is_refused(client: httpx.Client) -> None:
    verifier, _ = pkce_pair()
    assert exchange(client, get_code(client), verifier).json()["error"] == "invalid_grant"


def test_redirect_uri_must_match_the_authorized_one(client: httpx.Client) -> None:
    response = exchange(client, get_code(client), redirect_uri="http://127.0.0.1:1/other")
    assert response.json()["error"] == "invalid_grant"


def test_code_expires_after_five_minutes() -> None:
    clock = FakeClock()
    sandbox = RecruitWizardSandbox(clock=clock, redirect_uris=[REDIRECT])
    with SandboxServer(sandbox.make_app) as srv, httpx.Client(base_url=srv.url, timeout=HAND_TIMEOUT) as c:
        code = get_code(c)
        clock.now += 301
        assert exchange(c, code).json()["error"] == "invalid_grant"


def test_refresh_tokens_rotate_and_are_single_use(sandbox: RecruitWizardSandbox, client: httpx.Client) -> None:
    tokens = exchange(client, get_code(client)).json()
    first = refresh(client, tokens["refresh_token"])
    assert first.status_code == 200
    rotated = first.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert sandbox.refresh_count == 1

    reused = refresh(client, tokens["refresh_token"])
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    assert sandbox.refresh_count == 1

    assert refresh(client, rotated["refresh_token"]).status_code == 200
    assert sandbox.refresh_count == 2


def test_access_tokens_expire_with_time_and_on_demand() -> None:
    clock = FakeClock()
    sandbox = RecruitWizardSandbox(clock=clock, access_ttl_s=60, redirect_uris=[REDIRECT])
    with SandboxServer(sandbox.make_app) as srv, httpx.Client(base_url=srv.url, timeout=HAND_TIMEOUT) as c:
        tokens = sandbox.issue_tokens()
        assert tokens["expires_in"] == 60
        headers = api_headers(tokens["access_token"])
        assert lookup(c, headers, "61491570006").status_code == 200
        clock.now += 61
        assert lookup(c, headers, "61491570006").status_code == 401

        fresh = api_headers(refresh(c, tokens["refresh_token"]).json()["access_token"])
        assert lookup(c, fresh, "61491570006").status_code == 200
        sandbox.expire_access_tokens()
        assert lookup(c, fresh, "61491570006").status_code == 401


def test_revocation_needs_basic_auth_and_revokes_the_grant(sandbox: RecruitWizardSandbox, client: httpx.Client) -> None:
    tokens = sandbox.issue_tokens()
    form = {"token": tokens["refresh_token"], "token_type_hint": "refresh_token"}
    assert client.post("/core/connect/revocation", data=form).status_code == 401
    wrong = httpx.BasicAuth("ringside-demo", "nope")
    assert client.post("/core/connect/revocation", data=form, auth=wrong).status_code == 401

    right = httpx.BasicAuth("ringside-demo", "demo-client-secret")
    assert client.post("/core/connect/revocation", data=form, auth=right).status_code == 200
    assert lookup(client, api_headers(tokens["access_token"]), "61491570006").status_code == 401
    assert refresh(client, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    unknown = {"token": "never-issued", "token_type_hint": "access_token"}
    assert client.post("/core/connect/revocation", data=unknown, auth=right).status_code == 200


def test_revoke_all(sandbox: RecruitWizardSandbox, client: httpx.Client, headers: dict[str, str]) -> None:
    sandbox.revoke_all()
    assert lookup(client, headers, "61491570006").status_code == 401


# --- API guards --------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [None, "*/*", "text/html", "application/json;q=0"])
def test_api_refuses_without_accept_json(client: httpx.Client, headers: dict[str, str], accept: str | None) -> None:
    request = client.build_request("GET", "/api/telephony/lookup/61491570006", headers=headers)
    if accept is None:
        del request.headers["accept"]
    else:
        request.headers["accept"] = accept
    assert client.send(request).status_code == 406


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer not-a-token", "Basic abc", "not-a-token"])
def test_api_refuses_without_a_valid_bearer(client: httpx.Client, authorization: str | None) -> None:
    headers = dict(JSON) if authorization is None else {**JSON, "Authorization": authorization}
    response = lookup(client, headers, "61491570006")
    assert response.status_code == 401
    assert response.json() == {"Message": "Authorization has been denied for this request."}
    assert response.headers["www-authenticate"].startswith("Bearer")


# --- lookup ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    ["+61491570006", "%2B61491570006", "0491570006", "6149157", "1234567890123456", "61 491570006", "abc"],
)
def test_lookup_wants_e164_digits_without_plus(client: httpx.Client, headers: dict[str, str], number: str) -> None:
    response = lookup(client, headers, number)
    assert response.status_code == 400
    assert "Message" in response.json()


def test_lookup_returns_an_array_of_records(client: httpx.Client, headers: dict[str, str]) -> None:
    assert lookup(client, headers, "61491570006").json() == [
        {
            "ID": PRIYA,
            "Entity": 2,
            "FullName": "Priya Raman",
            "Company": "Kestrel Software",
            "JobTitle": "Head of Engineering",
        }
    ]
    candidate = lookup(client, headers, "61491571266").json()
    assert [(r["ID"], r["Entity"]) for r in candidate] == [(ETHAN, 3)]
    client_record = lookup(client, headers, "61255500100").json()
    assert [(r["Entity"], r["JobTitle"]) for r in client_record] == [(1, None)]
    assert lookup(client, headers, UNKNOWN_NUMBER.lstrip("+")).json() == []


def test_one_number_matches_two_records(client: httpx.Client, headers: dict[str, str]) -> None:
    records = lookup(client, headers, TWO_MATCH).json()
    assert len(records) == 2
    assert {r["Company"] for r in records} == {"Harbourline Logistics"}
    assert {r["Entity"] for r in records} == {2}


def test_demo_callers_cover_the_interesting_cases(client: httpx.Client, headers: dict[str, str]) -> None:
    counts = {label: len(lookup(client, headers, number.lstrip("+")).json()) for label, number in demo_callers()}
    assert counts["Unknown caller"] == 0
    assert sorted(counts.values()).count(2) == 1
    assert len(counts) >= 6


# --- open jobs ---------------------------------------------------------------------------------


def test_open_jobs_lists_only_open_jobs(client: httpx.Client, headers: dict[str, str]) -> None:
    response = client.get(f"/api/jobs/contact/open/{PRIYA}", headers=headers)
    assert response.status_code == 200
    jobs = response.json()
    data = load_demo()
    expected = {j.job_id for j in data.jobs if j.contact == "priya-raman" and j.status == "open"}
    closed = {j.job_id for j in data.jobs if j.contact == "priya-raman" and j.status == "closed"}
    assert {j["JobID"] for j in jobs} == expected
    assert closed
    assert not closed & {j["JobID"] for j in jobs}
    assert set(jobs[0]) == {
        "JobID",
        "Title",
        "EmploymentType",
        "Employer",
        "Location_Country",
        "Location_State",
        "Location_Suburb",
    }
    assert client.get(f"/api/jobs/contact/open/{AROHA}", headers=headers).json() == []


@pytest.mark.parametrize(("contact_id", "status"), [(ETHAN, 404), (999999, 404), ("abc", 400), ("1.5", 400)])
def test_open_jobs_rejects_non_contacts(
    client: httpx.Client, headers: dict[str, str], contact_id: object, status: int
) -> None:
    response = client.get(f"/api/jobs/contact/open/{contact_id}", headers=headers)
    assert response.status_code == status
    assert "Message" in response.json()


# --- activities --------------------------------------------------------------------------------


def activity(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "StatusID": 2,
        "Notes": "Great conversation about plans for next year.",
        "TypeId": 1,
        "ActivityDate": "2020-11-29T22:10:20.721Z",
        "LinkedPlayers": [{"EntityID": 2, "PlayerID": PRIYA}],
    }
    return body | overrides


def test_activity_is_accepted_and_kept(
    sandbox: RecruitWizardSandbox, client: httpx.Client, headers: dict[str, str]
) -> None:
    first = client.post("/api/activities", json=activity(), headers=headers)
    assert first.status_code == 200
    assert isinstance(first.json()["ActivityID"], int)
    second_body = activity(
        TypeId=4, ActivityDate="2020-11-30T09:00:00+10:00", LinkedPlayers=[{"EntityID": 3, "PlayerID": ETHAN}]
    )
    assert client.post("/api/activities", json=second_body, headers=headers).status_code == 200
    assert sandbox.activities() == [activity(), second_body]


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        (activity(ActivityDate="2020-11-29T22:10:20"), "ActivityDate"),
        (activity(ActivityDate="29/11/2020 10:10 PM"), "ActivityDate"),
        (activity(ActivityDate="2020-13-29T22:10:20Z"), "ActivityDate"),
        (activity(LinkedPlayers=[{"EntityID": 2, "PlayerID": 111111}]), "111111"),
        (activity(LinkedPlayers=[{"EntityID": 2, "PlayerID": ETHAN}]), "Candidate"),
        (activity(LinkedPlayers=[{"EntityID": 3, "PlayerID": PRIYA}]), "Contact"),
        (activity(LinkedPlayers=[{"EntityID": 9, "PlayerID": PRIYA}]), "EntityID"),
        (activity(LinkedPlayers=[]), "LinkedPlayers"),
        (activity(StatusID="2"), "StatusID"),
        ({k: v for k, v in activity().items() if k != "Notes"}, "Notes"),
    ],
)
def test_activity_validation(
    sandbox: RecruitWizardSandbox,
    client: httpx.Client,
    headers: dict[str, str],
    body: dict[str, Any],
    mentions: str,
) -> None:
    response = client.post("/api/activities", json=body, headers=headers)
    assert response.status_code == 400
    assert mentions in response.json()["Message"]
    assert sandbox.activities() == []


def test_activity_must_be_json(sandbox: RecruitWizardSandbox, client: httpx.Client, headers: dict[str, str]) -> None:
    form = {"StatusID": "2", "Notes": "x", "TypeId": "1"}
    assert client.post("/api/activities", data=form, headers=headers).status_code == 415
    broken = {**headers, "Content-Type": "application/json"}
    assert client.post("/api/activities", content=b'{"StatusID": 2,', headers=broken).status_code == 400
    assert sandbox.activities() == []


def test_extra_activity_keys_are_ignored(client: httpx.Client, headers: dict[str, str]) -> None:
    assert client.post("/api/activities", json=activity(Subject="extra"), headers=headers).status_code == 200


# --- faults and latency ------------------------------------------------------------------------


def test_status_fault_with_retry_after(
    sandbox: RecruitWizardSandbox, client: httpx.Client, headers: dict[str, str]
) -> None:
    sandbox.faults.inject("/api/telephony", FaultKind.STATUS, status=503, retry_after=0.2, count=2)
    for _ in range(2):
        response = lookup(client, headers, "61491570006")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"  # integer seconds, rounded up
        assert "Message" in response.json()
    assert lookup(client, headers, "61491570006").status_code == 200
    assert [e.status for e in sandbox.journal.entries("/api/telephony")] == [503, 503, 200]


def test_faults_apply_by_path_prefix(
    sandbox: RecruitWizardSandbox, client: httpx.Client, headers: dict[str, str]
) -> None:
    sandbox.faults.inject("/api/jobs", FaultKind.STATUS, status=500)
    assert lookup(client, headers, "61491570006").status_code == 200
    assert client.get(f"/api/jobs/contact/open/{PRIYA}", headers=headers).status_code == 500


def test_html_fault(sandbox: RecruitWizardSandbox, client: httpx.Client, headers: dict[str, str]) -> None:
    sandbox.faults.inject("/api/", FaultKind.HTML)
    response = lookup(client, headers, "61491570006")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    with pytest.raises(ValueError, match=r"."):
        response.json()


def test_malformed_fault(sandbox: RecruitWizardSandbox, client: httpx.Client, headers: dict[str, str]) -> None:
    sandbox.faults.inject("/api/", FaultKind.MALFORMED)
    response = lookup(client, headers, "61491570006")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    with pytest.raises(ValueError, match=r"."):
        response.json()


def test_wrong_shape_fault(sandbox: RecruitWizardSandbox, client: httpx.Client, headers: dict[str, str]) -> None:
    sandbox.faults.inject("/api/", FaultKind.WRONG_SHAPE)
    body = lookup(client, headers, "61491570006").json()
    assert isinstance(body, dict)
    assert "Message" in body


def test_hang_fault_times_the_client_out(
    sandbox: RecruitWizardSandbox, server: SandboxServer, headers: dict[str, str]
) -> None:
    sandbox.faults.inject("/api/", FaultKind.HANG)
    with httpx.Client(base_url=server.url, timeout=0.3) as impatient, pytest.raises(httpx.ReadTimeout):
        lookup(impatient, headers, "61491570006")
    # The server notices the client left and records that nothing was delivered.
    assert sandbox.journal.wait_for(lambda es: [e.status for e in es] == [0], HAND_TIMEOUT)
    assert sandbox.faults.hanging() == 0


def test_reset_fault_drops_the_connection(
    sandbox: RecruitWizardSandbox, client: httpx.Client, headers: dict[str, str]
) -> None:
    sandbox.faults.inject("/api/", FaultKind.RESET)
    with pytest.raises(httpx.TransportError):
        lookup(client, headers, "61491570006")
    assert lookup(client, headers, "61491570006").status_code == 200
    assert [e.status for e in sandbox.journal.entries("/api/")] == [0, 200]


def test_hang_does_not_block_server_shutdown(sandbox: RecruitWizardSandbox) -> None:
    headers = api_headers(sandbox.issue_tokens()["access_token"])
    sandbox.faults.inject("/api/", FaultKind.HANG)
    server = SandboxServer(sandbox.make_app).start()
    outcome: list[object] = []

    def call() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as patient:
            try:
                outcome.append(lookup(patient, headers, "61491570006").status_code)
            except httpx.TransportError as exc:
                outcome.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    assert sandbox.faults.wait_hanging(1, HAND_TIMEOUT)
    started = time.perf_counter()
    server.stop()
    assert time.perf_counter() - started < HAND_TIMEOUT  # aiohttp alone would wait 60 s
    caller.join(HAND_TIMEOUT)
    assert not caller.is_alive()
    assert outcome


def test_clearing_faults_releases_a_hang(
    sandbox: RecruitWizardSandbox, client: httpx.Client, headers: dict[str, str]
) -> None:
    sandbox.faults.inject("/api/", FaultKind.HANG)
    result: list[int] = []
    caller = threading.Thread(target=lambda: result.append(lookup(client, headers, "61491570006").status_code))
    caller.start()
    assert sandbox.faults.wait_hanging(1, HAND_TIMEOUT)
    sandbox.faults.clear()
    caller.join(HAND_TIMEOUT)
    assert result == [200]


def test_latency_is_applied(sandbox: RecruitWizardSandbox, client: httpx.Client, headers: dict[str, str]) -> None:
    delay = 0.3
    sandbox.faults.set_latency(delay, "/api/telephony")
    started = time.perf_counter()
    assert lookup(client, headers, "61491570006").status_code == 200
    assert time.perf_counter() - started >= delay


def test_longest_latency_prefix_wins(
    sandbox: RecruitWizardSandbox, client: httpx.Client, headers: dict[str, str]
) -> None:
    sandbox.faults.set_latency(60, "")
    sandbox.faults.set_latency(0, "/api/telephony")
    # Would time out (HAND_TIMEOUT) if the 60 s default applied.
    assert lookup(client, headers, "61491570006").status_code == 200


def test_control_routes(sandbox: RecruitWizardSandbox, client: httpx.Client, headers: dict[str, str]) -> None:
    command = {"action": "inject", "path_prefix": "/api/", "kind": "status", "status": 429, "retry_after": 2}
    assert client.post("/_sandbox/faults", json=command).json() == {"pending": 1}
    response = lookup(client, headers, "61491570006")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"
    assert client.post("/_sandbox/faults", json={"action": "bogus"}).status_code == 400
    journal = client.get("/_sandbox/journal", params={"path_prefix": "/api/"}).json()
    assert [e["status"] for e in journal] == [429]
    assert client.delete("/_sandbox/journal").status_code == 200
    assert sandbox.journal.entries() == []


# --- journal hygiene ---------------------------------------------------------------------------


def test_journal_never_holds_secrets(sandbox: RecruitWizardSandbox, client: httpx.Client) -> None:
    verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    tokens = exchange(client, code, verifier).json()
    rotated = refresh(client, tokens["refresh_token"]).json()
    headers = api_headers(rotated["access_token"])
    lookup(client, headers, "61491570006")
    client.post("/api/activities", json=activity(), headers=headers)
    client.post(
        "/api/activities",
        json=activity(Notes=f"pasted by mistake: {rotated['access_token']}"),
        headers=headers,
    )
    client.post(
        "/core/connect/revocation",
        data={"token": rotated["refresh_token"], "token_type_hint": "refresh_token"},
        auth=("ringside-demo", "demo-client-secret"),
    )

    entries = sandbox.journal.entries()
    assert len(entries) == 7
    everything = repr(entries) + client.get("/_sandbox/journal").text
    basic = base64.b64encode(b"ringside-demo:demo-client-secret").decode()
    for secret in [
        "demo-client-secret",
        basic,
        code,
        verifier,
        tokens["access_token"],
        tokens["refresh_token"],
        rotated["access_token"],
        rotated["refresh_token"],
    ]:
        assert secret not in everything
    api = sandbox.journal.entries("/api/telephony")[0]
    assert api.headers["authorization"] == "<redacted bearer>"
    assert api.headers["accept"] == "application/json"
    token_call = sandbox.journal.entries("/core/connect/token")[0]
    assert token_call.form is not None
    assert token_call.form["grant_type"] == "authorization_code"
