"""Fixtures for connector tests against the emulators on real loopback sockets."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Protocol

import httpx
import pytest

from app.crm._shared.answers import BoundedClient
from app.crm._shared.oauth_tokens import TokenSet
from app.crm.recruitwizard.connector import RecruitWizardConnector
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.crm.retailcrm.connector import RetailCrmConnector
from app.crm.retailcrm.settings import RetailCrmAccount
from app.crm.trackerrms.connector import TrackerRmsConnector
from app.crm.trackerrms.settings import TrackerRmsAccount
from app.sandbox.recruitwizard.server import RecruitWizardSandbox
from app.sandbox.runner import SandboxServer
from app.sandbox.trackerrms.server import DEMO_API_KEY, TrackerRmsSandbox
from app.sandbox.trackerrms.store import RECRUITER, default_users
from app.storage.secrets import KeyringSecrets, MemoryKeyring, SecretStore
from tests.sandboxes import FdSandbox, RcSandbox, fd_sandbox, rc_sandbox, rc_secrets
from tests.support import free_redirect_uri

__all__ = ["FdSandbox", "RcSandbox", "fd_sandbox", "rc_sandbox", "rc_secrets"]  # fixtures, used by name

RW_CLIENT_ID = "ringside-it"
RW_CLIENT_SECRET = "it-client-secret-value"
RW_WEB = "https://app.example.test"

RwSandbox = tuple[RecruitWizardSandbox, SandboxServer]


class RwConnectorFactory(Protocol):
    def __call__(
        self, *, timeout: float = 5.0, api_url: str | None = None, signed_in: bool = True
    ) -> RecruitWizardConnector: ...


def store_tokens(secrets: SecretStore, account_id: str, issued: dict[str, Any],
                 *, expires_at: datetime | None = None) -> TokenSet:
    """Put a token response (the emulator's `issue_tokens()`) in the keyring as a sign-in would."""
    tokens = TokenSet(
        access_token=issued["access_token"],
        refresh_token=issued["refresh_token"],
        expires_at=expires_at or datetime.now(UTC) + timedelta(seconds=issued["expires_in"]),
    )
    secrets.set(account_id, "tokens", tokens.model_dump_json())
    return tokens


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def rw_sandbox() -> Iterator[RwSandbox]:
    sandbox = RecruitWizardSandbox(client_id=RW_CLIENT_ID, client_secret=RW_CLIENT_SECRET)
    with SandboxServer(sandbox.make_app) as server:
        yield sandbox, server


@pytest.fixture
def rw_account(rw_sandbox: RwSandbox) -> RecruitWizardAccount:
    redirect_uri = free_redirect_uri()
    rw_sandbox[0].register_redirect_uri(redirect_uri)
    return RecruitWizardAccount(
        kind="recruitwizard", id="rw", api_url=rw_sandbox[1].url, web_url=RW_WEB, client_id=RW_CLIENT_ID,
        redirect_uri=redirect_uri,
    )


@pytest.fixture
def rw_secrets() -> KeyringSecrets:
    """A throwaway keyring holding the account's client secret (tokens are added per test)."""
    secrets = KeyringSecrets(backend=MemoryKeyring())
    secrets.set("rw", "client_secret", RW_CLIENT_SECRET)
    return secrets


@pytest.fixture
async def http_clients() -> AsyncIterator[Callable[..., httpx.AsyncClient]]:
    """Make the app's HTTP clients (httpx's API, aiohttp underneath), closed after the test."""
    made: list[httpx.AsyncClient] = []

    def make(**kwargs: Any) -> httpx.AsyncClient:
        client = BoundedClient(**kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


@pytest.fixture
def rw_connector(
    rw_sandbox: RwSandbox,
    rw_account: RecruitWizardAccount,
    rw_secrets: KeyringSecrets,
    http_clients: Callable[..., httpx.AsyncClient],
) -> RwConnectorFactory:
    """Build a connector for the emulator: signed in with fresh tokens unless `signed_in=False`;
    `timeout` is the client-level timeout; `api_url` points it elsewhere (an unreachable port)."""
    sandbox, _ = rw_sandbox

    def make(
        *, timeout: float = 5.0, api_url: str | None = None, signed_in: bool = True
    ) -> RecruitWizardConnector:
        if signed_in and rw_secrets.get("rw", "tokens") is None:
            store_tokens(rw_secrets, "rw", sandbox.issue_tokens())
        account = rw_account if api_url is None else rw_account.model_copy(update={"api_url": api_url})
        return RecruitWizardConnector(account, http_clients(timeout=timeout), rw_secrets)

    return make


# -- TrackerRMS ------------------------------------------------------------------------------------

TR_CLIENT_SECRET = "tr-it-client-secret"
TR_USER = RECRUITER
TR_PASSWORD = next(u.password for u in default_users() if u.username == RECRUITER)
TR_API_KEY = DEMO_API_KEY
TR_TZ = timezone(timedelta(hours=11), "AEDT")  # the recruiter's zone in the activity tests

TrSandbox = tuple[TrackerRmsSandbox, SandboxServer]


class TrConnectorFactory(Protocol):
    def __call__(self, *, auth: str = "password", timeout: float = 5.0, **changes: Any) -> TrackerRmsConnector: ...


@pytest.fixture
def tr_sandbox() -> Iterator[TrSandbox]:
    sandbox = TrackerRmsSandbox(client_secret=TR_CLIENT_SECRET)
    with SandboxServer(sandbox.make_app) as server:
        yield sandbox, server


@pytest.fixture
def tr_secrets() -> KeyringSecrets:
    """A throwaway keyring with every kind of TrackerRMS secret for account "tr" (OAuth tokens are
    added when an OAuth connector is made)."""
    secrets = KeyringSecrets(backend=MemoryKeyring())
    secrets.set("tr", "password", TR_PASSWORD)
    secrets.set("tr", "apikey", TR_API_KEY)
    secrets.set("tr", "client_secret", TR_CLIENT_SECRET)
    return secrets


@pytest.fixture
def tr_connector(
    tr_sandbox: TrSandbox, tr_secrets: KeyringSecrets, http_clients: Callable[..., httpx.AsyncClient]
) -> TrConnectorFactory:
    """Build a TrackerRMS connector for the emulator with `auth` = password | apikey | oauth (signed in
    with fresh tokens); other keyword arguments change the account's settings."""
    sandbox, server = tr_sandbox

    def make(*, auth: str = "password", timeout: float = 5.0, **changes: Any) -> TrackerRmsConnector:
        if auth == "oauth" and tr_secrets.get("tr", "tokens") is None:
            store_tokens(tr_secrets, "tr", sandbox.issue_tokens())
        redirect_uri = changes.pop("redirect_uri", None) or free_redirect_uri()
        sandbox.register_redirect_uri(redirect_uri)
        settings: dict[str, Any] = {"kind": "trackerrms", "id": "tr", "api_url": server.url, "auth": auth,
                                    "username": TR_USER, "redirect_uri": redirect_uri, **changes}
        account = TrackerRmsAccount.model_validate(settings)
        return TrackerRmsConnector(account, http_clients(timeout=timeout), tr_secrets, tz=TR_TZ)

    return make


# -- retailCRM and FixDigital (the CRMs that expect a telephony peer) ---------------------------------

RC_TZ = timezone(timedelta(hours=3), "MSK")  # the retailCRM account's zone in the upload tests



class RcConnectorFactory(Protocol):
    def __call__(self, *, timeout: float = 5.0, **changes: Any) -> RetailCrmConnector: ...


@pytest.fixture
def rc_account(rc_sandbox: RcSandbox) -> RetailCrmAccount:
    from app.sandbox.retailcrm.store import DEMO_CLIENT_ID, DEMO_SITE, RECRUITER_CODE, RECRUITER_ID

    return RetailCrmAccount(kind="retailcrm", id="rc", api_url=rc_sandbox[1].url, site=DEMO_SITE,
                            user_id=RECRUITER_ID, code=RECRUITER_CODE, client_id=DEMO_CLIENT_ID,
                            external_phone="+61255500250")


@pytest.fixture
def rc_connector(
    rc_account: RetailCrmAccount, rc_secrets: KeyringSecrets, http_clients: Callable[..., httpx.AsyncClient]
) -> RcConnectorFactory:
    """Build a retailCRM connector for the emulator; keyword arguments change the account's settings."""

    def make(*, timeout: float = 5.0, **changes: Any) -> RetailCrmConnector:
        account = rc_account.model_copy(update=changes)
        return RetailCrmConnector(account, http_clients(timeout=timeout), rc_secrets, tz=RC_TZ)

    return make
