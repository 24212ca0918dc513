"""`ringside retailcrm register ID --public-url URL`: tell retailCRM where its telephony peer is.

Creates or updates the account's integration module (`integration-modules/{code}/edit`) with the
callback addresses built from `--public-url` (the address at which retailCRM reaches Ringside's
callback server, directly or through a relay), then prints what retailCRM now holds.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from app.config import settings as settings_mod
from app.config.paths import Paths
from app.crm._shared.answers import BoundedClient
from app.crm.callbacks import LOGO, RETAILCRM_MAKE_CALL, RETAILCRM_USER_STATUS, url_for
from app.crm.retailcrm import wire
from app.crm.retailcrm.connector import RetailCrmConnector
from app.crm.retailcrm.settings import RetailCrmAccount
from app.errors import ConfigError
from app.storage.secrets import SecretStore

TIMEOUT_S = 15.0


def check_public_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"--public-url must be an http(s) address with no query, e.g. https://ringside.example.com "
                          f"(got {url!r}).")
    return url.strip().rstrip("/")


async def register_module(account: RetailCrmAccount, public_url: str, secrets: SecretStore) -> dict[str, Any]:
    async with BoundedClient(timeout=TIMEOUT_S) as client:
        connector = RetailCrmConnector(account, client, secrets)
        try:
            return await connector.register(
                make_call_url=url_for(public_url, RETAILCRM_MAKE_CALL),
                status_url=url_for(public_url, RETAILCRM_USER_STATUS),
                logo_url=url_for(public_url, LOGO), account_url=public_url)
        finally:
            await connector.aclose()


def describe(module: dict[str, Any], listen: str) -> list[str]:
    telephony = module.get("integrations", {}).get("telephony", {})
    codes = ", ".join(f"user {c.get('userId')} → extension {c.get('code')}"
                      for c in telephony.get("additionalCodes", [])) or "none"
    phones = ", ".join(f"{p.get('siteCode')} → {p.get('externalPhone')}"
                       for p in telephony.get("externalPhones", [])) or "none"
    return [
        f"Registered the telephony integration '{module.get('code')}' in retailCRM "
        f"({'active' if module.get('active') else 'NOT active'}):",
        f"  clientId             {wire.module_client_id(module)}",
        f"  makeCallUrl          {telephony.get('makeCallUrl')}",
        f"  changeUserStatusUrl  {telephony.get('changeUserStatusUrl')}",
        f"  additionalCodes      {codes}",
        f"  externalPhones       {phones}",
        f"retailCRM calls these addresses; they must reach Ringside's callback server "
        f"([callbacks] listen = \"{listen}\"), directly or through a relay.",
    ]


def run(paths: Paths, account_id: str, public_url: str, secrets: SecretStore | None = None,
        out: Callable[[str], None] = print) -> int:
    settings = settings_mod.load(paths.config_file)
    account = settings.account(account_id)
    if not isinstance(account, RetailCrmAccount):
        raise ConfigError(f"Account '{account_id}' is a {account.kind} account, not retailCRM.")
    base = check_public_url(public_url)
    if secrets is None:
        from app.storage.secret_file import open_secrets

        secrets = open_secrets(paths, settings)
    module = asyncio.run(register_module(account, base, secrets))
    for line in describe(module, settings.callbacks.listen):
        out(line)
    if urlsplit(base).scheme == "http" and urlsplit(base).hostname not in ("127.0.0.1", "localhost", "::1"):
        print("ringside: note: retailCRM will send the clientId over plain http; put https in front.",
              file=sys.stderr)
    return 0
