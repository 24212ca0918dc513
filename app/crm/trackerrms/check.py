"""How a TrackerRMS account signs in: `verify` is "Test connection" (checkLogon with whichever single
method the account uses); `browser_sign_in` is its OAuth settings, for `auth = "oauth"` only."""

from __future__ import annotations

import httpx

from app.crm._shared.oauth_tokens import OAuthConfig
from app.crm.trackerrms.connector import TrackerRmsConnector, oauth_config
from app.crm.trackerrms.settings import TrackerRmsAccount
from app.errors import ConfigError
from app.storage.secrets import SecretStore


async def verify(account: TrackerRmsAccount, client: httpx.AsyncClient, secrets: SecretStore) -> str:
    return await TrackerRmsConnector(account, client, secrets).check_logon()


def browser_sign_in(account: TrackerRmsAccount) -> OAuthConfig:
    if account.auth != "oauth":
        # Password and API-key accounts have no browser sign-in: their secret goes in the keyring.
        secret = "API key" if account.auth == "apikey" else "password"
        raise ConfigError(f"TrackerRMS account '{account.id}' signs in with its {secret}, not through "
                          "the browser (set auth = \"oauth\" to use OAuth).")
    return oauth_config(account)
