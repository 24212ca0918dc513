"""The browser sign-in (authorisation code + PKCE) against the Recruit Wizard emulator; an httpx
client plays the browser, following the URL Ringside would print."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest

from app.crm._shared.browser_sign_in import authorize
from app.crm._shared.oauth_tokens import OAuthClient, SignInFailed, TokenSet
from app.crm.recruitwizard.connector import RecruitWizardConnector, oauth_config
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.errors import ConnectorError, NeedsSignIn
from app.sandbox.demo_data import load_demo
from app.storage.secrets import KeyringSecrets
from tests.integration.conftest import RW_CLIENT_ID, RW_CLIENT_SECRET, RwSandbox
from tests.support import caller

PRIYA = load_demo().person("priya-raman").numbers[0]

Clients = Callable[..., httpx.AsyncClient]


@pytest.fixture
def oauth(rw_account: RecruitWizardAccount, rw_secrets: KeyringSecrets, http_clients: Clients) -> OAuthClient:
    return OAuthClient(oauth_config(rw_account), http_clients(timeout=5), rw_secrets)


@pytest.fixture
def browser(http_clients: Clients) -> httpx.AsyncClient:
    return http_clients(timeout=5)


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode({**_query(url), **changes})))


class Browser:
    """Follows the printed URL like a browser: the emulator's 302, then the loopback redirect."""

    def __init__(self, client: httpx.AsyncClient, tamper: Callable[[str], str] = lambda url: url) -> None:
        self.client = client
        self.tamper = tamper
        self.authorize_url = ""
        self.redirect = ""
        self.pages: list[httpx.Response] = []

    async def __call__(self, url: str) -> None:
        self.authorize_url = url
        answer = await self.client.get(url)
        assert answer.status_code == 302, answer.text
        self.redirect = self.tamper(answer.headers["Location"])
        self.pages.append(await self.client.get(self.redirect))


async def test_full_sign_in_stores_tokens(
    rw_sandbox: RwSandbox, oauth: OAuthClient, rw_secrets: KeyringSecrets, browser: httpx.AsyncClient,
    rw_account: RecruitWizardAccount, http_clients: Clients,
) -> None:
    sandbox, server = rw_sandbox
    visit = Browser(browser)
    before = datetime.now(UTC)

    tokens = await authorize(oauth, visit, timeout_s=10)

    # The URL the user would open.
    url = urlsplit(visit.authorize_url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{server.url}/core/connect/authorize"
    assert "scope=read%20write%20offline_access" in url.query
    query = _query(visit.authorize_url)
    assert query["client_id"] == RW_CLIENT_ID
    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 22
    redirect_uri = urlsplit(query["redirect_uri"])
    assert (redirect_uri.scheme, redirect_uri.hostname, redirect_uri.path) == ("http", "127.0.0.1", "/callback")
    # The browser was told it can close the tab.
    [page] = visit.pages
    assert page.status_code == 200
    assert "You can close this tab" in page.text
    # The code exchange: form-encoded, JSON wanted, the verifier and the same redirect_uri.
    [exchange] = sandbox.journal.entries("/core/connect/token")
    assert exchange.status == 200
    assert exchange.headers["accept"] == "application/json"
    assert exchange.headers["content-type"] == "application/x-www-form-urlencoded"
    assert exchange.form is not None
    assert exchange.form["grant_type"] == "authorization_code"
    assert exchange.form["redirect_uri"] == query["redirect_uri"]
    assert exchange.form["client_id"] == RW_CLIENT_ID
    assert {"code", "code_verifier", "client_secret"} <= exchange.form.keys()
    # One keyring entry holding the whole token set.
    raw = rw_secrets.get("rw", "tokens")
    assert raw is not None
    stored = TokenSet.model_validate_json(raw)
    assert stored == tokens
    assert stored.refresh_token
    assert stored.expires_at is not None
    assert before + timedelta(hours=23) < stored.expires_at <= datetime.now(UTC) + timedelta(hours=24)
    # …and they work.
    connector = RecruitWizardConnector(rw_account, http_clients(timeout=5), rw_secrets)
    assert await connector.lookup(caller(PRIYA))


async def test_state_mismatch_stores_nothing(
    rw_sandbox: RwSandbox, oauth: OAuthClient, rw_secrets: KeyringSecrets, browser: httpx.AsyncClient
) -> None:
    sandbox, _ = rw_sandbox
    visit = Browser(browser, tamper=lambda url: _with_query(url, state="forged-state"))
    with pytest.raises(SignInFailed, match="did not match this sign-in attempt"):
        await authorize(oauth, visit, timeout_s=10)
    assert visit.pages[0].status_code == 400
    assert "You can close this tab" in visit.pages[0].text
    assert rw_secrets.get("rw", "tokens") is None
    assert sandbox.journal.entries("/core/connect/token") == []


async def test_access_denied(
    rw_sandbox: RwSandbox, oauth: OAuthClient, rw_secrets: KeyringSecrets, browser: httpx.AsyncClient
) -> None:
    sandbox, _ = rw_sandbox
    sandbox.deny_next_authorization()
    visit = Browser(browser)
    with pytest.raises(SignInFailed, match="Access was denied, so Ringside is not connected to Recruit Wizard"):
        await authorize(oauth, visit, timeout_s=10)
    assert "error=access_denied" in visit.redirect
    assert rw_secrets.get("rw", "tokens") is None
    assert sandbox.journal.entries("/core/connect/token") == []


async def test_other_error_redirects_are_explained(
    oauth: OAuthClient, rw_secrets: KeyringSecrets, browser: httpx.AsyncClient
) -> None:
    async def refuse(url: str) -> None:
        state = _query(url)["state"]
        redirect = _query(url)["redirect_uri"]
        await browser.get(redirect, params={"error": "invalid_scope", "error_description": "Bad <scope>",
                                            "state": state})

    with pytest.raises(SignInFailed, match=r"Recruit Wizard refused the sign-in: Bad <scope>"):
        await authorize(oauth, refuse, timeout_s=10)
    assert rw_secrets.get("rw", "tokens") is None


async def test_the_listener_takes_one_request_only(
    oauth: OAuthClient, rw_secrets: KeyringSecrets, browser: httpx.AsyncClient
) -> None:
    replay: list[httpx.Response] = []

    async def visit_twice(url: str) -> None:
        visit = Browser(browser)
        await visit(url)
        replay.append(await browser.get(visit.redirect))  # e.g. a reload, or someone else's guess
        replay.append(await browser.get(visit.redirect.split("?")[0] + "/../other"))

    await authorize(oauth, visit_twice, timeout_s=10)

    assert [r.status_code for r in replay] == [410, 410]
    assert rw_secrets.get("rw", "tokens") is not None
    # Once the sign-in is over the listener is gone altogether.
    with pytest.raises(httpx.ConnectError):
        await browser.get(replay[0].request.url)


async def test_no_redirect_times_out_and_closes_the_listener(
    oauth: OAuthClient, rw_secrets: KeyringSecrets, browser: httpx.AsyncClient
) -> None:
    printed: list[str] = []
    with pytest.raises(SignInFailed, match=r"No answer from the browser within 0\.2 seconds"):
        await authorize(oauth, printed.append, timeout_s=0.2)
    assert rw_secrets.get("rw", "tokens") is None
    with pytest.raises(httpx.ConnectError):
        await browser.get(_query(printed[0])["redirect_uri"], params={"code": "x", "state": "y"})


async def test_a_wrong_client_secret_fails_the_sign_in(
    rw_sandbox: RwSandbox, oauth: OAuthClient, rw_secrets: KeyringSecrets, browser: httpx.AsyncClient
) -> None:
    rw_secrets.set("rw", "client_secret", "not-the-secret")
    with pytest.raises(SignInFailed, match="client id and client secret"):
        await authorize(oauth, Browser(browser), timeout_s=10)
    assert rw_secrets.get("rw", "tokens") is None


async def test_revoke_signs_out(
    rw_sandbox: RwSandbox, oauth: OAuthClient, rw_secrets: KeyringSecrets, browser: httpx.AsyncClient,
    rw_account: RecruitWizardAccount, http_clients: Clients,
) -> None:
    sandbox, _ = rw_sandbox
    tokens = await authorize(oauth, Browser(browser), timeout_s=10)

    await oauth.revoke()

    assert rw_secrets.get("rw", "tokens") is None
    revocations = sandbox.journal.entries("/core/connect/revocation")
    assert [e.status for e in revocations] == [200, 200]
    assert {e.headers["authorization"] for e in revocations} == {"<redacted basic>"}
    assert [e.form and e.form["token_type_hint"] for e in revocations] == ["refresh_token", "access_token"]
    # The CRM no longer honours them either (neither the access nor the refresh token).
    rw_secrets.set("rw", "tokens", tokens.model_dump_json())
    connector = RecruitWizardConnector(rw_account, http_clients(timeout=5), rw_secrets)
    with pytest.raises(NeedsSignIn, match="sign in again"):
        await connector.lookup(caller(PRIYA))
    assert [e.status for e in sandbox.journal.entries("/core/connect/token")] == [200, 400]


async def test_no_secret_reaches_messages_or_logs(
    rw_sandbox: RwSandbox, oauth: OAuthClient, rw_secrets: KeyringSecrets, browser: httpx.AsyncClient,
    rw_account: RecruitWizardAccount, http_clients: Clients, caplog: pytest.LogCaptureFixture,
) -> None:
    sandbox, _ = rw_sandbox
    caplog.set_level(logging.DEBUG, logger="app")
    secrets: set[str] = {RW_CLIENT_SECRET}
    errors: list[BaseException] = []

    visit = Browser(browser)
    await authorize(oauth, visit, timeout_s=10)
    tokens = oauth.stored_tokens()
    assert tokens is not None and tokens.refresh_token
    secrets |= {tokens.access_token, tokens.refresh_token, _query(visit.redirect)["code"]}
    assert tokens.access_token not in repr(tokens)

    # A forged reply, a refused secret, a dead refresh token: each fails with a message.
    with pytest.raises(SignInFailed) as forged:
        await authorize(oauth, Browser(browser, tamper=lambda url: _with_query(url, state="x" * 30)), timeout_s=10)
    errors.append(forged.value)
    sandbox.revoke_all()
    sandbox.expire_access_tokens()
    connector = RecruitWizardConnector(rw_account, http_clients(timeout=5), rw_secrets)
    with pytest.raises(NeedsSignIn) as dead:
        await connector.lookup(caller(PRIYA))
    errors.append(dead.value)
    rw_secrets.set("rw", "client_secret", "another-wrong-secret")
    secrets.add("another-wrong-secret")
    with pytest.raises(SignInFailed) as refused:
        await authorize(oauth, Browser(browser), timeout_s=10)
    errors.append(refused.value)
    with pytest.raises(ConnectorError) as revoke:
        await oauth.revoke()  # wrong secret: the CRM refuses the revocation
    errors.append(revoke.value)

    texts = [f"{e!s} {e!r}" for e in errors] + [r.getMessage() for r in caplog.records]
    leaks = [(secret[:4], text) for secret in secrets for text in texts if secret in text]
    assert leaks == []


async def test_an_error_body_echoing_a_token_is_scrubbed(
    rw_account: RecruitWizardAccount, rw_secrets: KeyringSecrets
) -> None:
    """Some servers quote the offending token back; the message keeps the reason, not the token."""
    secret_token = "rt-0123456789-secret"
    rw_secrets.set("rw", "tokens", TokenSet(access_token="at-0123456789-secret", refresh_token=secret_token)
                   .model_dump_json())

    def echo(request: httpx.Request) -> httpx.Response:
        token = parse_qs(request.content.decode())["token"][0]
        return httpx.Response(403, json={"error_description": f"Token {token} may not be revoked by this client"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(echo)) as client:
        oauth = OAuthClient(oauth_config(rw_account), client, rw_secrets)
        with pytest.raises(ConnectorError) as caught:
            await oauth.revoke()
    assert str(caught.value) == "Recruit Wizard did not allow this: Token … may not be revoked by this client"
    assert rw_secrets.get("rw", "tokens") is None  # signed out here even though the CRM refused
