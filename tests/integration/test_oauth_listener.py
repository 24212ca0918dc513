"""The sign-in's redirect listener: on 127.0.0.1 only, one request, gone afterwards."""

from __future__ import annotations

import socket
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.crm._shared.browser_sign_in import authorize
from app.crm._shared.oauth_tokens import OAuthClient, SignInFailed
from app.crm.recruitwizard.connector import oauth_config
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.storage.secrets import KeyringSecrets
from tests.integration.conftest import RwSandbox


def _connects(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex((host, port)) == 0


async def test_the_listener_answers_on_127_0_0_1_only_and_closes_after_use(
    rw_sandbox: RwSandbox, rw_account: RecruitWizardAccount, rw_secrets: KeyringSecrets,
    http_clients: Callable[..., httpx.AsyncClient],
) -> None:
    oauth = OAuthClient(oauth_config(rw_account), http_clients(timeout=5), rw_secrets)
    browser = http_clients(timeout=5, follow_redirects=True)
    seen: dict[str, bool] = {}
    port = 0

    async def visit(url: str) -> None:
        nonlocal port
        redirect = urlsplit(parse_qs(urlsplit(url).query)["redirect_uri"][0])
        assert redirect.hostname == "127.0.0.1"
        port = redirect.port or 0
        seen["127.0.0.1"] = _connects("127.0.0.1", port)
        # Another loopback address of this machine: a listener on every interface would answer it.
        seen["127.0.0.2"] = _connects("127.0.0.2", port)
        await browser.get(url)

    await authorize(oauth, visit, timeout_s=10)
    assert seen == {"127.0.0.1": True, "127.0.0.2": False}
    assert not _connects("127.0.0.1", port)
    assert rw_secrets.get("rw", "tokens")


async def test_a_port_already_taken_is_explained(
    rw_account: RecruitWizardAccount, rw_secrets: KeyringSecrets, http_clients: Callable[..., httpx.AsyncClient]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        account = rw_account.model_copy(update={"redirect_uri": f"http://127.0.0.1:{port}/callback"})
        oauth = OAuthClient(oauth_config(account), http_clients(timeout=5), rw_secrets)
        opened: list[str] = []
        with pytest.raises(SignInFailed) as refused:
            await authorize(oauth, opened.append, timeout_s=1)
    assert str(refused.value) == (
        f"Port {port} on 127.0.0.1 is in use by another program (or another sign-in), so Ringside cannot receive "
        f"the Recruit Wizard sign-in at http://127.0.0.1:{port}/callback. Close that program and try again, or "
        "set another redirect URI on this account and register it with Recruit Wizard.")
    assert opened == []  # no browser is sent to a sign-in whose reply could not be received
    assert rw_secrets.get("rw", "tokens") is None


async def test_the_listener_binds_exactly_the_registered_uri(
    rw_sandbox: RwSandbox, rw_account: RecruitWizardAccount, rw_secrets: KeyringSecrets,
    http_clients: Callable[..., httpx.AsyncClient],
) -> None:
    oauth = OAuthClient(oauth_config(rw_account), http_clients(timeout=5), rw_secrets)
    browser = http_clients(timeout=5, follow_redirects=True)
    sent: list[str] = []

    async def visit(url: str) -> None:
        sent.append(parse_qs(urlsplit(url).query)["redirect_uri"][0])
        await browser.get(url)

    await authorize(oauth, visit, timeout_s=10)
    assert sent == [rw_account.redirect_uri]


async def test_the_emulator_refuses_an_unregistered_redirect_uri(
    rw_sandbox: RwSandbox, rw_account: RecruitWizardAccount, rw_secrets: KeyringSecrets,
    http_clients: Callable[..., httpx.AsyncClient],
) -> None:
    from tests.support import free_redirect_uri

    account = rw_account.model_copy(update={"redirect_uri": free_redirect_uri()})  # never registered
    oauth = OAuthClient(oauth_config(account), http_clients(timeout=5), rw_secrets)
    pages: list[httpx.Response] = []

    async def visit(url: str) -> None:
        pages.append(await http_clients(timeout=5).get(url))

    with pytest.raises(SignInFailed, match="No answer from the browser"):
        await authorize(oauth, visit, timeout_s=0.5)
    [page] = pages
    assert page.status_code == 400 and "invalid_request" in page.text  # an error page, no redirect
    assert "Location" not in page.headers
