"""Connecting, testing and disconnecting every kind of account against the emulators: a secret is
kept only once the CRM accepted it, and every failure says in words what went wrong."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from aiohttp import web

from app.accounts.service import AccountService
from app.accounts.status import AccountState
from app.crm._shared.oauth_tokens import SignInFailed
from app.crm.fixdigital.settings import FixDigitalAccount
from app.crm.puzzel.settings import PuzzelAccount
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.crm.retailcrm.settings import RetailCrmAccount
from app.crm.trackerrms.settings import TrackerRmsAccount
from app.errors import NeedsSignIn, Rejected, Unavailable
from app.sandbox.fixdigital.server import DEMO_CLIENT_ID as FD_CLIENT_ID
from app.sandbox.fixdigital.server import DEMO_EXTENSION, FixDigitalSandbox
from app.sandbox.puzzel import server as pz
from app.sandbox.retailcrm.server import DEMO_API_KEY as RC_API_KEY
from app.sandbox.retailcrm.store import INACTIVE_ID
from app.sandbox.runner import SandboxServer
from app.sandbox.trackerrms.store import RECRUITER
from app.storage.secrets import KeyringSecrets, MemoryKeyring
from tests.integration.conftest import (
    RW_CLIENT_SECRET,
    TR_API_KEY,
    TR_CLIENT_SECRET,
    TR_PASSWORD,
    RcSandbox,
    RwSandbox,
    TrSandbox,
    closed_port,
    store_tokens,
)
from tests.support import self_signed_certificate

Clients = Callable[..., httpx.AsyncClient]


@pytest.fixture
def store() -> KeyringSecrets:
    return KeyringSecrets(backend=MemoryKeyring())


@pytest.fixture
def service(store: KeyringSecrets, http_clients: Clients) -> AccountService:
    return AccountService(store, http_clients(timeout=5))


def tr_account(server_url: str, auth: str, **changes: object) -> TrackerRmsAccount:
    return TrackerRmsAccount.model_validate({"kind": "trackerrms", "id": "tr", "api_url": server_url, "auth": auth,
                                             "username": RECRUITER, **changes})


class Browser:
    """Follows the sign-in address like a browser would, through to the loopback redirect."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.urls: list[str] = []
        self.visits: list[asyncio.Task[httpx.Response]] = []

    def __call__(self, url: str) -> None:
        self.urls.append(url)
        self.visits.append(asyncio.get_running_loop().create_task(self.client.get(url)))


@pytest.fixture
def browser(http_clients: Clients) -> Browser:
    return Browser(http_clients(timeout=5, follow_redirects=True))


# -- TrackerRMS: password, API key, OAuth ------------------------------------------------------------


async def test_a_trackerrms_password_is_checked_with_checklogon_then_kept(
    tr_sandbox: TrSandbox, service: AccountService, store: KeyringSecrets
) -> None:
    sandbox, server = tr_sandbox
    account = tr_account(server.url, "password")
    message = await service.store_secret(account, TR_PASSWORD)
    assert message == f"Connected to TrackerRMS as {RECRUITER}."
    assert store.get("tr", "password") == TR_PASSWORD
    assert [e.path for e in sandbox.journal.entries("/api/widget/checkLogon")] == ["/api/widget/checkLogon"]
    status = await service.status(account)
    assert (status.state, status.detail) == (AccountState.CONNECTED, message)


async def test_a_wrong_trackerrms_password_is_not_kept(
    tr_sandbox: TrSandbox, service: AccountService, store: KeyringSecrets
) -> None:
    _, server = tr_sandbox
    with pytest.raises(NeedsSignIn, match=f"TrackerRMS doesn't know user '{RECRUITER}'"):
        await service.store_secret(tr_account(server.url, "password"), "not-the-password")
    assert store.get("tr", "password") is None


async def test_an_inactive_trackerrms_user_is_told_so(
    tr_sandbox: TrSandbox, service: AccountService, store: KeyringSecrets
) -> None:
    sandbox, server = tr_sandbox
    sandbox.set_user_active(RECRUITER, False)
    with pytest.raises(NeedsSignIn, match=r"is not active\. Ask your TrackerRMS administrator"):
        await service.store_secret(tr_account(server.url, "password"), TR_PASSWORD)
    assert store.get("tr", "password") is None


async def test_a_trackerrms_api_key_is_checked_then_kept(
    tr_sandbox: TrSandbox, service: AccountService, store: KeyringSecrets
) -> None:
    _, server = tr_sandbox
    account = tr_account(server.url, "apikey")
    with pytest.raises(NeedsSignIn, match="doesn't know the user of this account's API key"):
        await service.store_secret(account, "wrong-key-0000")
    assert store.get("tr", "apikey") is None
    assert await service.store_secret(account, f"  {TR_API_KEY}\n") == (
        "Connected to TrackerRMS with the API key. Calls act as the system administrator: set the user id to "
        "log calls as yourself.")
    assert store.get("tr", "apikey") == TR_API_KEY


async def test_trackerrms_oauth_signs_in_with_its_own_client_id_and_scope(
    tr_sandbox: TrSandbox, service: AccountService, store: KeyringSecrets, browser: Browser
) -> None:
    sandbox, server = tr_sandbox
    account = tr_account(server.url, "oauth")
    message = await service.sign_in(account, browser, client_secret=TR_CLIENT_SECRET, timeout_s=10)
    await asyncio.gather(*browser.visits)
    assert message.startswith("Signed in to TrackerRMS")
    query = {k: v[0] for k, v in parse_qs(urlsplit(browser.urls[0]).query).items()}
    assert urlsplit(browser.urls[0]).path == "/oAuth2/Authorize"
    assert (query["client_id"], query["scope"], query["response_type"]) == ("EvoApi_1.0", "read,write", "code")
    assert store.get("tr", "client_secret") == TR_CLIENT_SECRET
    assert store.get("tr", "tokens")
    assert (await service.test(account)).state is AccountState.CONNECTED
    assert sandbox.journal.entries("/api/widget/checkLogon")[-1].headers["authorization"] == "<redacted bearer>"


# -- Puzzel -----------------------------------------------------------------------------------------------


@pytest.fixture
def puzzel() -> Iterator[tuple[pz.PuzzelSandbox, SandboxServer]]:
    sandbox = pz.PuzzelSandbox()
    with SandboxServer(sandbox.make_app) as server:
        yield sandbox, server


def puzzel_account(url: str, username: str = pz.DEMO_USER) -> PuzzelAccount:
    return PuzzelAccount(kind="puzzel", id="pz", auth_url=url, api_url=url, customer_key=pz.DEMO_CUSTOMER_KEY,
                         username=username)


async def test_a_puzzel_password_is_checked_with_login_and_token_information(
    puzzel: tuple[pz.PuzzelSandbox, SandboxServer], service: AccountService, store: KeyringSecrets
) -> None:
    sandbox, server = puzzel
    account = puzzel_account(server.url)
    with pytest.raises(NeedsSignIn, match=r"Puzzel refused the sign-in for alex\.morgan"):
        await service.store_secret(account, "not-the-password")
    assert store.get("pz", "password") is None
    message = await service.store_secret(account, pz.DEMO_PASSWORD)
    assert message == ("Connected to Puzzel as alex.morgan (user 1231234, customer 12345). "
                       "You're logged on and Available for calls.")
    assert store.get("pz", "password") == pz.DEMO_PASSWORD
    paths = [e.path for e in sandbox.journal.entries()]
    assert "/api/Authenticate/LogIn" in paths and "/ContactCentre5/accesstokeninformation" in paths


async def test_puzzel_two_factor_sign_in_is_reported_not_ignored(
    puzzel: tuple[pz.PuzzelSandbox, SandboxServer], service: AccountService, store: KeyringSecrets
) -> None:
    _, server = puzzel
    with pytest.raises(Rejected, match="two-factor authentication"):
        await service.store_secret(puzzel_account(server.url, pz.TWO_FACTOR_USER), "two-factor-password")
    assert store.get("pz", "password") is None


# -- retailCRM and FixDigital ----------------------------------------------------------------------------


async def test_a_retailcrm_api_key_is_checked_with_an_authenticated_read(
    rc_sandbox: RcSandbox, rc_account: RetailCrmAccount, service: AccountService, store: KeyringSecrets
) -> None:
    sandbox, server = rc_sandbox
    with pytest.raises(NeedsSignIn, match="retailCRM refused the API key"):
        await service.store_secret(rc_account, "not-the-key")
    assert store.get("rc", "apikey") is None
    message = await service.store_secret(rc_account, RC_API_KEY)
    assert message == f"Connected to retailCRM ({urlsplit(server.url).netloc}) as Alex Morgan."
    assert store.get("rc", "apikey") == RC_API_KEY
    assert sandbox.journal.entries(f"/api/v5/users/{rc_account.user_id}")[-1].status == 200


async def test_retailcrm_names_an_inactive_user_a_missing_user_and_a_wrong_shop(
    rc_sandbox: RcSandbox, rc_account: RetailCrmAccount, service: AccountService, store: KeyringSecrets
) -> None:
    with pytest.raises(Rejected, match=r"retailCRM says Former User \(user \d+\) is not active"):
        await service.store_secret(rc_account.model_copy(update={"user_id": INACTIVE_ID}), RC_API_KEY)
    with pytest.raises(Rejected, match="retailCRM has no user with id 99999"):
        await service.store_secret(rc_account.model_copy(update={"user_id": 99999}), RC_API_KEY)
    with pytest.raises(Rejected, match="retailCRM has no shop with the code 'elsewhere'"):
        await service.store_secret(rc_account.model_copy(update={"user_id": None, "site": "elsewhere"}), RC_API_KEY)
    assert store.get("rc", "apikey") is None


async def test_fixdigital_has_nothing_to_sign_in_to_but_is_tested(service: AccountService) -> None:
    sandbox = FixDigitalSandbox()
    with SandboxServer(sandbox.make_app) as server:
        account = FixDigitalAccount(kind="fixdigital", id="fd", api_url=server.url, client_id=FD_CLIENT_ID,
                                    extension=DEMO_EXTENSION)
        status = await service.status(account)
        assert status.state is AccountState.CONNECTED
        assert status.detail.startswith(f"FixDigital answers at {urlsplit(server.url).netloc}")
        assert sandbox.notices() == []  # the test popped no card in FixDigital
        wrong = account.model_copy(update={"api_url": server.url + "/elsewhere"})
        status = await service.status(wrong)
        assert status.state is AccountState.ERROR and "has no webservice.php at this address" in status.detail


# -- states and connection problems ----------------------------------------------------------------------


async def test_an_account_with_nothing_stored_is_not_set_up(
    rw_account: RecruitWizardAccount, service: AccountService
) -> None:
    status = await service.status(rw_account)
    assert status.state is AccountState.NOT_SET_UP
    assert status.detail == ("Not signed in to Recruit Wizard yet. Connect it with `ringside account connect rw` "
                             "or in Settings.")


async def test_an_unreachable_host_is_an_error_saying_so(service: AccountService, store: KeyringSecrets) -> None:
    store.set("tr", "password", TR_PASSWORD)
    status = await service.status(tr_account(f"http://127.0.0.1:{closed_port()}", "password"))
    assert status.state is AccountState.ERROR
    assert status.detail.startswith("Can't reach TrackerRMS (127.0.0.1:")


@pytest.fixture
async def tls_server(tmp_path: Path) -> AsyncIterator[str]:
    """An HTTPS server with a self-signed certificate, as a misconfigured proxy or host would have."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*self_signed_certificate(tmp_path))
    app = web.Application()
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    yield f"https://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def test_a_certificate_problem_is_named(tls_server: str, service: AccountService, store: KeyringSecrets) -> None:
    store.set("rc", "apikey", RC_API_KEY)
    account = RetailCrmAccount(kind="retailcrm", id="rc", api_url=tls_server)
    status = await service.status(account)
    assert status.state is AccountState.ERROR
    assert status.detail.startswith("Certificate problem with retailCRM (127.0.0.1:")
    assert "isn't trusted (self-signed certificate)" in status.detail
    with pytest.raises(Unavailable, match="Certificate problem"):
        await service.store_secret(account, RC_API_KEY)


# -- disconnecting ----------------------------------------------------------------------------------------


async def test_disconnect_revokes_at_recruit_wizard_and_deletes_every_secret(
    rw_sandbox: RwSandbox, rw_account: RecruitWizardAccount, service: AccountService, store: KeyringSecrets
) -> None:
    sandbox, _ = rw_sandbox
    store.set("rw", "client_secret", RW_CLIENT_SECRET)
    store_tokens(store, "rw", sandbox.issue_tokens())
    message = await service.disconnect(rw_account)
    assert message == ("Signed out at Recruit Wizard. Ringside no longer holds any secret for Recruit Wizard (rw).")
    assert [e.status for e in sandbox.journal.entries("/core/connect/revocation")] == [200, 200]
    assert store.get("rw", "tokens") is None and store.get("rw", "client_secret") is None
    assert (await service.status(rw_account)).state is AccountState.NOT_SET_UP


async def test_disconnect_deletes_secrets_even_when_the_crm_is_unreachable(
    rw_account: RecruitWizardAccount, service: AccountService, store: KeyringSecrets
) -> None:
    store.set("rw", "client_secret", RW_CLIENT_SECRET)
    store.set("rw", "tokens", '{"access_token": "at-123456", "refresh_token": "rt-123456"}')
    gone = rw_account.model_copy(update={"api_url": f"http://127.0.0.1:{closed_port()}"})
    message = await service.disconnect(gone)
    assert "Recruit Wizard could not be told (Can't reach Recruit Wizard" in message
    assert store.get("rw", "tokens") is None and store.get("rw", "client_secret") is None


async def test_disconnect_of_a_password_account_deletes_its_password(
    tr_sandbox: TrSandbox, service: AccountService, store: KeyringSecrets
) -> None:
    store.set("tr", "password", TR_PASSWORD)
    assert await service.disconnect(tr_account(tr_sandbox[1].url, "password")) == (
        "Ringside no longer holds any secret for TrackerRMS (tr).")
    assert store.get("tr", "password") is None


# -- a failed browser sign-in keeps nothing, not even the client secret typed for it --------------------


@pytest.mark.parametrize("problem", ["state", "denied", "error", "timeout", "secret"])
async def test_a_failed_sign_in_stores_nothing(
    problem: str, rw_sandbox: RwSandbox, rw_account: RecruitWizardAccount, service: AccountService,
    store: KeyringSecrets, http_clients: Clients,
) -> None:
    sandbox, _ = rw_sandbox
    client = http_clients(timeout=5)
    secret = "wrong-client-secret" if problem == "secret" else RW_CLIENT_SECRET

    async def visit(url: str) -> None:
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        if problem == "timeout":
            return  # the user never finishes
        if problem == "error":
            await client.get(query["redirect_uri"], params={"error": "server_error", "state": query["state"]})
            return
        if problem == "denied":
            sandbox.deny_next_authorization()
        answer = await client.get(url)
        location = answer.headers["Location"]
        if problem == "state":
            location = location.replace(query["state"], "forged-state-value-0123456789")
        await client.get(location)

    with pytest.raises(SignInFailed) as caught:
        await service.sign_in(rw_account, visit, client_secret=secret, timeout_s=0.5 if problem == "timeout" else 10)
    assert str(caught.value)  # a message in words…
    assert store.get("rw", "tokens") is None  # …and nothing kept
    assert store.get("rw", "client_secret") is None
