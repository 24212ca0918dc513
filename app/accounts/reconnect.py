"""The one-click "Sign in again" of a card or the tray, run inside the app.

An OAuth account goes through the browser sign-in (the app's `open_url` opens the address: the
system browser, or Qt's opener in the app); its tokens are kept only if the sign-in succeeds.
A password or API-key account can't be fixed from a button: Settings opens at that account.
Other accounts are untouched: only the signed-in account's connector picks up its new tokens.
"""

from __future__ import annotations

import logging

from app.accounts.hooks import AppHooks
from app.accounts.kinds import SignIn, sign_in_method
from app.accounts.service import AccountService
from app.errors import ConfigError, RingsideError

log = logging.getLogger(__name__)


async def sign_in_again(app: AppHooks, account_id: str) -> None:
    """Never raises: every outcome is a message to the recruiter."""
    try:
        account = app.settings().account(account_id)
    except ConfigError as exc:
        app.report(str(exc), error=True)
        return
    if sign_in_method(account) is not SignIn.OAUTH:
        if not app.open_settings(account_id):
            app.report(f"Enter the {account.display_name} password or key again with "
                       f"`ringside account connect {account_id}`.", error=True)
        return
    client = app.client(account_id)
    if client is None:
        app.report(f"{account.display_name} is switched off in Settings.", error=True)
        return
    app.report(f"Finish signing in to {account.display_name} in your browser.")

    def open_url(url: str) -> None:
        app.open_url(url)

    try:
        done = await AccountService(app.secrets(), client).sign_in(account, open_url)
    except RingsideError as exc:
        log.info("%s: sign-in again failed: %s", account_id, exc.__class__.__name__)
        app.report(str(exc), error=True)
        return
    # Only this account's connector picks up the new tokens (a reload from config.toml would
    # rebuild every account); its tray flag goes until a lookup fails again.
    app.signed_in(account_id)
    app.report(done)
