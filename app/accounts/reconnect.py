"""The one-click "Sign in again" of a card or the tray, run inside the app.

An OAuth account goes through the browser sign-in (the runtime's `open_url` opens the address:
the system browser, or Qt's opener in the app); its tokens are kept only if the sign-in succeeds.
A password or API-key account can't be fixed from a button: Settings opens at that account.
Other accounts are untouched: only the signed-in account's OAuth client forgets its old tokens.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from app.accounts.kinds import SignIn, sign_in_method
from app.accounts.service import AccountService
from app.crm._shared.oauth import OAuthClient
from app.errors import ConfigError, RingsideError

if TYPE_CHECKING:
    from app.runtime.runtime import Runtime

log = logging.getLogger(__name__)


async def sign_in_again(runtime: Runtime, account_id: str) -> None:
    """Never raises: every outcome is a message to the recruiter."""
    listener = runtime.listener
    try:
        account = runtime.settings.account(account_id)
    except ConfigError as exc:
        listener.message(str(exc), error=True)
        return
    if sign_in_method(account) is not SignIn.OAUTH:
        if runtime.on_open_settings:
            for open_settings in runtime.on_open_settings:
                open_settings(account_id)
        else:
            listener.message(f"Enter the {account.display_name} password or key again with "
                             f"`ringside account connect {account_id}`.", error=True)
        return
    client = runtime.clients.get(account_id)
    if client is None:
        listener.message(f"{account.display_name} is switched off in Settings.", error=True)
        return
    listener.message(f"Finish signing in to {account.display_name} in your browser.")

    def open_url(url: str) -> None:
        runtime.open_url(url)

    try:
        done = await AccountService(runtime.secrets, client).sign_in(account, open_url)
    except RingsideError as exc:
        log.info("%s: sign-in again failed: %s", account_id, exc.__class__.__name__)
        listener.message(str(exc), error=True)
        return
    # Only this account's connector picks up the new tokens (a reload from config.toml would
    # rebuild every account); its tray flag goes until a lookup fails again.
    oauth = getattr(runtime.connectors.get(account_id), "oauth", None)
    if isinstance(oauth, OAuthClient):
        oauth.reload()
    runtime.switchboard.signed_in(account_id)
    listener.message(done)
