"""What each account kind needs to sign in, and which secret it is asked for.

Every secret lives in the keyring as `ringside` / `<account id>:<name>`, with the names of
app/config/secret_names.py; each system's settings module declares the ones its accounts own, and
the registry (app/crm/registry.py) gathers them. FixDigital's `callback_password` is ours: the
password FixDigital must send when it calls Ringside, with the account's `callback_username`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.config.secret_names import API_KEY, CALLBACK_PASSWORD, PASSWORD
from app.config.settings import Account
from app.crm.fixdigital.settings import FixDigitalAccount
from app.crm.puzzel.settings import PuzzelAccount
from app.crm.registry import SYSTEMS, all_secrets
from app.crm.retailcrm.settings import RetailCrmAccount
from app.crm.trackerrms.settings import TrackerRmsAccount

KIND_NAMES: dict[str, str] = {kind: row.name for kind, row in SYSTEMS.items()}
# Deleted on disconnect whatever the kind, so a kind or auth change leaves nothing behind.
ALL_SECRETS = all_secrets()


class SignIn(StrEnum):
    OAUTH = "oauth"  # the browser flow; the client secret is asked for first
    PASSWORD = "password"
    API_KEY = "apikey"
    NONE = "none"  # nothing to sign in to (FixDigital without callbacks: we only notify it)


@dataclass(frozen=True)
class Secret:
    """The secret a password / API-key account signs in with."""

    name: str  # keyring entry name
    label: str  # "Password", "API key"
    prompt: str  # for the terminal


def sign_in_method(account: Account) -> SignIn:
    if account.kind == "recruitwizard":
        return SignIn.OAUTH
    if isinstance(account, TrackerRmsAccount):
        return {"oauth": SignIn.OAUTH, "password": SignIn.PASSWORD, "apikey": SignIn.API_KEY}[account.auth]
    if isinstance(account, RetailCrmAccount):
        return SignIn.API_KEY
    if isinstance(account, PuzzelAccount):
        return SignIn.PASSWORD
    if isinstance(account, FixDigitalAccount) and account.callback_username:
        return SignIn.PASSWORD  # ours, for FixDigital's requests: nothing at FixDigital can check it
    return SignIn.NONE


def secret_for(account: Account) -> Secret | None:
    """The secret a password / API-key account needs; None for OAuth and for FixDigital."""
    method = sign_in_method(account)
    service = KIND_NAMES.get(account.kind, account.kind)
    if isinstance(account, FixDigitalAccount) and method is SignIn.PASSWORD:
        return Secret(CALLBACK_PASSWORD, "Callback password",
                      f"Password FixDigital sends as {account.callback_username} ({account.id}): ")
    if method is SignIn.PASSWORD:
        user = account.username if isinstance(account, TrackerRmsAccount | PuzzelAccount) else ""
        who = f" for {user}" if user else ""
        return Secret(PASSWORD, "Password", f"{service} password{who} ({account.id}): ")
    if method is SignIn.API_KEY:
        return Secret(API_KEY, "API key", f"{service} API key ({account.id}): ")
    return None


def needs_client_secret(account: Account) -> bool:
    return sign_in_method(account) is SignIn.OAUTH
