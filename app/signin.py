"""`ringside account connect ID`: sign an account in from the terminal.

Missing secrets (the OAuth client secret) are read from the terminal without echo, or from standard
input when it is not a terminal (scripts, tests). The authorisation URL is printed on a line of its
own; the browser is opened unless --no-browser. Tokens go to the keyring, and a running instance is
told to pick them up.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
import webbrowser

import httpx

from app.connectors.oauth import OAuthClient, authorize
from app.connectors.registry import oauth_config_for
from app.core.errors import ConfigError, RingsideError
from app.instance import InstanceClient, NoInstance
from app.storage.paths import Paths
from app.storage.secrets import KeyringSecrets, SecretStore
from app.storage.settings import Account


def read_secret(prompt: str) -> str:
    value = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline().rstrip("\r\n")
    if not value.strip():
        raise RingsideError(f"No value given for: {prompt.strip(': ')}.")
    return value.strip()


def connect_account(
    paths: Paths,
    account: Account,
    *,
    open_browser: bool = True,
    timeout: float = 300.0,
    secrets: SecretStore | None = None,
) -> int:
    store = secrets or KeyringSecrets()
    config = oauth_config_for(account)
    if config is None:
        raise ConfigError(f"Account '{account.id}' ({account.kind}) has no sign-in to run.")
    if store.get(account.id, "client_secret") is None:
        store.set(account.id, "client_secret",
                  read_secret(f"Client secret for {account.display_name} ({account.id}): "))

    async def open_url(url: str) -> None:
        print("Open this address in your browser to sign in:", flush=True)
        print(url, flush=True)
        if open_browser:
            webbrowser.open(url)

    async def run() -> None:
        async with httpx.AsyncClient(timeout=15) as client:
            await authorize(OAuthClient(config, client, store), open_url, timeout_s=timeout)

    asyncio.run(run())
    print(f"Signed in to {account.display_name}; tokens are stored in the keyring.", flush=True)
    try:
        InstanceClient(paths.instance_file).accounts_changed(account.id)
        print("The running Ringside will use them right away.")
    except (NoInstance, RingsideError):
        pass
    return 0
