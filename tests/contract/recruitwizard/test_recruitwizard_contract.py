"""Recruit Wizard: every request the connector sends, compared with a golden transcribed from the public
reference named beside it; the emulator accepts each golden and refuses what the reference rules out.

References: Wizardsoft/TelephonyIntegrationExample (README, i.e. seed 000; src/Controllers/
AuthController.cs; src/ClientApp/src/components/Testing.js, LogCallModal.js) and Wizardsoft/
PublicAPI.Samples (README.md, Constants.cs, Controllers/AppController.cs).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.core.models import Direction, NoteDraft, Record, RecordType
from app.crm._shared.browser_sign_in import authorize
from app.crm._shared.oauth_tokens import OAuthClient
from app.crm.recruitwizard.connector import RecruitWizardConnector, oauth_config
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.sandbox.demo_data import load_demo
from app.sandbox.journal import JournalEntry
from app.sandbox.recruitwizard.server import RecruitWizardSandbox
from app.sandbox.runner import SandboxServer
from app.storage.secrets import KeyringSecrets, MemoryKeyring
from tests.contract.wire_shape import E164_DIGITS, ISO_UTC_MS, Like, differences, example
from tests.support import caller, free_redirect_uri

CLIENT_ID, CLIENT_SECRET = "contract-client", "contract-client-secret"
PRIYA = load_demo().person("priya-raman")

# -- goldens -----------------------------------------------------------------------------------------------

# Testing.js, startOAuthFlow: GET {api}/core/connect/authorize with exactly these query parameters
# (the scope space-separated). Neither sample sends PKCE: compared with an account that has pkce = false.
AUTHORIZE = {"client_id": CLIENT_ID, "redirect_uri": Like("http://127.0.0.1:1/callback"),
             "scope": "read write offline_access", "response_type": "code", "state": Like("aaabbbccc111222333")}
# Testing.js, componentDidMount: POST {api}/core/connect/token, Content-Type
# application/x-www-form-urlencoded, Accept: application/json, client credentials in the body.
TOKEN_CODE = {"client_id": CLIENT_ID, "client_secret": Like("secret"), "grant_type": "authorization_code",
              "code": Like("4b162ba9927637656f252c1f5b6066c8"), "redirect_uri": Like("https://localhost:44302/auth/callback")}
# PublicAPI.Samples Controllers/AppController.cs, RefreshToken (IdentityModel's TokenClient): grant_type
# refresh_token with the refresh token; the client authenticates as in Testing.js's exchange (body).
TOKEN_REFRESH = {"client_id": CLIENT_ID, "client_secret": Like("secret"), "grant_type": "refresh_token",
                 "refresh_token": Like("token")}
# PublicAPI.Samples Controllers/AppController.cs, RevokeAccessToken / RevokeRefreshToken: Basic client
# auth, form body {token, token_type_hint}; Constants.cs: {core}/connect/revocation.
REVOKE = {"token": Like("token"), "token_type_hint": Like("refresh_token")}
# AuthController.cs GetCallerData: GET /api/telephony/lookup/{tel} with a Bearer token; the number in
# E.164 without '+' (seed 000); PublicAPI.Samples README: `Accept: application/json` on every API call.
API_HEADERS = {"authorization": "<redacted bearer>", "accept": "application/json"}
# Seed 000 (the TelephonyIntegrationExample README): the activity a finished call becomes. StatusID 2
# (Closed, always), TypeId 1 inbound / 4 outbound, EntityID 2 contact / 3 candidate, ActivityDate UTC
# with milliseconds. (LogCallModal.js sends StatusID 1 and a Subject; the README's rule stands.)
ACTIVITY = {"StatusID": 2, "Notes": Like("Great conversation about plans for next year."), "TypeId": 1,
            "ActivityDate": Like("2020-11-29T22:10:20.721Z", ISO_UTC_MS),
            "LinkedPlayers": [{"EntityID": 2, "PlayerID": Like(533995)}]}


# -- fixtures ----------------------------------------------------------------------------------------------


@pytest.fixture
def emulator() -> Iterator[tuple[RecruitWizardSandbox, SandboxServer]]:
    sandbox = RecruitWizardSandbox(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with SandboxServer(sandbox.make_app) as server:
        yield sandbox, server


@pytest.fixture
def account(emulator: tuple[RecruitWizardSandbox, SandboxServer]) -> RecruitWizardAccount:
    sandbox, server = emulator
    redirect_uri = free_redirect_uri()
    sandbox.register_redirect_uri(redirect_uri)
    return RecruitWizardAccount(kind="recruitwizard", id="rw", api_url=server.url, web_url=server.url,
                                client_id=CLIENT_ID, redirect_uri=redirect_uri, pkce=False)


@pytest.fixture
def secrets() -> KeyringSecrets:
    store = KeyringSecrets(backend=MemoryKeyring())
    store.set("rw", "client_secret", CLIENT_SECRET)
    return store


@pytest.fixture
async def signed_in(
    account: RecruitWizardAccount, secrets: KeyringSecrets
) -> AsyncIterator[tuple[RecruitWizardConnector, httpx.AsyncClient]]:
    """A connector signed in through the browser flow (a pretend browser follows the redirects)."""
    async with httpx.AsyncClient(timeout=5) as client, httpx.AsyncClient(timeout=5, follow_redirects=True) as browser:
        visits: list[asyncio.Task[httpx.Response]] = []
        oauth = OAuthClient(oauth_config(account), client, secrets)
        await authorize(oauth, lambda url: visits.append(asyncio.get_running_loop().create_task(browser.get(url))),
                        timeout_s=10)
        await asyncio.gather(*visits)
        yield RecruitWizardConnector(account, client, secrets, oauth=oauth), client


def _one(sandbox: RecruitWizardSandbox, path: str, method: str) -> JournalEntry:
    [entry] = sandbox.journal.entries(path, method)
    return entry


# -- the connector sends the goldens ---------------------------------------------------------------------


async def test_sign_in_requests_match_testing_js(
    emulator: tuple[RecruitWizardSandbox, SandboxServer], account: RecruitWizardAccount,
    signed_in: tuple[RecruitWizardConnector, httpx.AsyncClient],
) -> None:
    sandbox, _ = emulator
    visit = _one(sandbox, "/core/connect/authorize", "GET")
    assert differences(visit.query, AUTHORIZE, "query") == []
    assert visit.query["redirect_uri"] == account.redirect_uri  # exactly the registered URI
    token = _one(sandbox, "/core/connect/token", "POST")
    assert token.headers["content-type"] == "application/x-www-form-urlencoded"
    assert token.headers["accept"] == "application/json"
    assert differences(token.form, TOKEN_CODE, "form") == []
    assert token.form is not None and token.form["redirect_uri"] == account.redirect_uri


async def test_refresh_matches_app_controller(
    emulator: tuple[RecruitWizardSandbox, SandboxServer], signed_in: tuple[RecruitWizardConnector, httpx.AsyncClient],
) -> None:
    sandbox, _ = emulator
    connector, _ = signed_in
    sandbox.expire_access_tokens()
    await connector.lookup(caller(PRIYA.numbers[0]))
    [_, refresh] = sandbox.journal.entries("/core/connect/token", "POST")
    assert refresh.headers["content-type"] == "application/x-www-form-urlencoded"
    assert differences(refresh.form, TOKEN_REFRESH, "form") == []


async def test_api_calls_match_auth_controller(
    emulator: tuple[RecruitWizardSandbox, SandboxServer], signed_in: tuple[RecruitWizardConnector, httpx.AsyncClient],
) -> None:
    sandbox, _ = emulator
    connector, _ = signed_in
    [priya] = await connector.lookup(caller(PRIYA.numbers[0]))
    lookup = _one(sandbox, "/api/telephony/lookup/", "GET")
    number = lookup.path.rsplit("/", 1)[1]
    assert E164_DIGITS.fullmatch(number) and number == PRIYA.numbers[0].lstrip("+")
    assert {k: lookup.headers.get(k) for k in API_HEADERS} == API_HEADERS
    await connector.open_jobs(priya)
    jobs = _one(sandbox, "/api/jobs/contact/open/", "GET")
    assert jobs.path == f"/api/jobs/contact/open/{PRIYA.recruitwizard_id}"
    assert {k: jobs.headers.get(k) for k in API_HEADERS} == API_HEADERS


@pytest.mark.parametrize(("direction", "type_id"), [(Direction.INBOUND, 1), (Direction.OUTBOUND, 4)])
async def test_activity_matches_the_readme(
    emulator: tuple[RecruitWizardSandbox, SandboxServer], signed_in: tuple[RecruitWizardConnector, httpx.AsyncClient],
    direction: Direction, type_id: int,
) -> None:
    sandbox, _ = emulator
    connector, _ = signed_in
    record = Record(account_id="rw", type=RecordType.CONTACT, id=str(PRIYA.recruitwizard_id), name=PRIYA.full_name)
    note = NoteDraft(call_id="c1", account_id="rw", record=record, direction=direction, text="Talked.",
                     call_started_at=datetime(2020, 11, 29, 22, 10, 20, 721000, tzinfo=UTC), duration_s=60)
    await connector.log_call(note)
    posted = _one(sandbox, "/api/activities", "POST")
    assert posted.headers["content-type"].startswith("application/json")
    assert {k: posted.headers.get(k) for k in API_HEADERS} == API_HEADERS
    assert differences(posted.json, {**ACTIVITY, "TypeId": type_id}) == []
    assert posted.json["ActivityDate"] == "2020-11-29T22:10:20.721Z"


async def test_userinfo_and_revocation_match_public_api_samples(
    emulator: tuple[RecruitWizardSandbox, SandboxServer], signed_in: tuple[RecruitWizardConnector, httpx.AsyncClient],
) -> None:
    sandbox, _ = emulator
    connector, _ = signed_in
    assert await connector.signed_in_user() == "Alex Morgan <alex.morgan@agency.example>"
    info = _one(sandbox, "/core/connect/userinfo", "GET")  # Constants.cs: UserInfoEndpoint
    assert info.headers["authorization"] == "<redacted bearer>"
    await connector.oauth.revoke()
    revocations = sandbox.journal.entries("/core/connect/revocation", "POST")
    assert [e.form["token_type_hint"] for e in revocations if e.form] == ["refresh_token", "access_token"]
    for entry in revocations:
        assert entry.headers["authorization"] == "<redacted basic>"
        assert differences(entry.form, REVOKE, "form") == []


# -- the emulator accepts the goldens and refuses what the reference rules out ---------------------------------


def test_the_emulator_takes_the_goldens_and_refuses_deviations(
    emulator: tuple[RecruitWizardSandbox, SandboxServer],
) -> None:
    sandbox, server = emulator
    registered = free_redirect_uri()
    sandbox.register_redirect_uri(registered)
    with httpx.Client(timeout=5) as client:
        authorize_url = f"{server.url}/core/connect/authorize"
        golden_query = {**example(AUTHORIZE), "redirect_uri": registered}
        answer = client.get(authorize_url, params=golden_query)
        assert answer.status_code == 302
        code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
        # PublicAPI.Samples README: the redirect URL must be registered; IdentityServer matches it
        # exactly and shows an error page (no redirect) for any other.
        for other in (registered + "/", registered.replace("127.0.0.1", "localhost"), free_redirect_uri()):
            refused = client.get(authorize_url, params={**golden_query, "redirect_uri": other})
            assert refused.status_code == 400 and "invalid_request" in refused.text
            assert "Location" not in refused.headers
        form = {**example(TOKEN_CODE), "client_secret": CLIENT_SECRET, "code": code, "redirect_uri": registered}
        assert client.post(f"{server.url}/core/connect/token", json=form).status_code == 400  # form-encoded only
        tokens = client.post(f"{server.url}/core/connect/token", data=form, headers={"Accept": "application/json"})
        assert tokens.status_code == 200, tokens.text
        bearer = {"Authorization": f"Bearer {tokens.json()['access_token']}", "Accept": "application/json"}
        number = PRIYA.numbers[0].lstrip("+")
        assert client.get(f"{server.url}/api/telephony/lookup/{number}", headers=bearer).status_code == 200
        # Seed 000: E.164 without the '+'; README: without Accept: application/json the API refuses.
        assert client.get(f"{server.url}/api/telephony/lookup/%2B{number}", headers=bearer).status_code == 400
        no_accept = {"Authorization": bearer["Authorization"]}
        assert client.get(f"{server.url}/api/telephony/lookup/{number}", headers=no_accept).status_code == 406
        assert client.get(f"{server.url}/api/jobs/contact/open/{PRIYA.recruitwizard_id}", headers=bearer).is_success
        activity = {**example(ACTIVITY), "LinkedPlayers": [{"EntityID": 2, "PlayerID": PRIYA.recruitwizard_id}]}
        assert client.post(f"{server.url}/api/activities", json=activity, headers=bearer).is_success
        for broken in ({**activity, "ActivityDate": "2020-11-29 22:10"}, {**activity, "StatusID": "2"},
                       {k: v for k, v in activity.items() if k != "LinkedPlayers"}):
            assert client.post(f"{server.url}/api/activities", json=broken, headers=bearer).status_code == 400
        assert client.get(f"{server.url}/core/connect/userinfo", headers=bearer).json()["name"] == "Alex Morgan"


@pytest.mark.parametrize("no_match", ["empty", "404"])
async def test_no_match_whether_the_lookup_answers_empty_or_404(
    no_match: str, secrets: KeyringSecrets
) -> None:
    from tests.integration.conftest import store_tokens

    sandbox = RecruitWizardSandbox(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, no_match=no_match)  # type: ignore[arg-type]
    with SandboxServer(sandbox.make_app) as server:
        account = RecruitWizardAccount(kind="recruitwizard", id="rw", api_url=server.url, client_id=CLIENT_ID)
        store_tokens(secrets, "rw", sandbox.issue_tokens())
        async with httpx.AsyncClient(timeout=5) as client:
            assert await RecruitWizardConnector(account, client, secrets).lookup(caller("+61491570999")) == []
        [entry] = sandbox.journal.entries("/api/telephony/lookup/")
        assert entry.status == (404 if no_match == "404" else 200)
