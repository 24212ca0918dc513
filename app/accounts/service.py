"""Connect, test, check and disconnect accounts — the one implementation behind `ringside account`,
the Settings window and the card's "Sign in again".

Nothing is stored until it is proven: a password or API key is checked with the CRM through a
`CandidateSecrets` overlay and kept only when the check passes; a browser sign-in keeps the client
secret and tokens only once the code exchange succeeded. A failure leaves the keyring as it was.
"""

from __future__ import annotations

import logging

import httpx

from app.accounts.candidate import CandidateSecrets
from app.accounts.kinds import ALL_SECRETS, KIND_NAMES, SignIn, secret_for, sign_in_method
from app.accounts.status import AccountState, AccountStatus, status_of
from app.config.secret_names import CLIENT_SECRET, TOKENS
from app.config.settings import Account
from app.crm._shared.browser_sign_in import OpenUrl, authorize
from app.crm._shared.oauth_tokens import OAuthClient
from app.crm.registry import check, oauth_config_for
from app.errors import ConnectorError, NeedsSignIn, RingsideError, SecretStoreError
from app.storage.secrets import SecretStore

log = logging.getLogger(__name__)

SIGN_IN_TIMEOUT_S = 300.0


def missing(account: Account, secrets: SecretStore) -> str | None:
    """What the account still needs before it can work, in words; None when nothing is missing.
    Reads the secret store only (no network). Raises SecretStoreError when it can't be read."""
    method = sign_in_method(account)
    name = KIND_NAMES.get(account.kind, account.kind)
    if method is SignIn.OAUTH:
        return None if secrets.get(account.id, TOKENS) else f"Not signed in to {name} yet."
    secret = secret_for(account)
    if secret is not None and not secrets.get(account.id, secret.name):
        return f"No {name} {secret.label.lower()} is stored yet."
    return None


class AccountService:
    """Account operations over one secret store and an httpx client the caller owns."""

    def __init__(self, secrets: SecretStore, client: httpx.AsyncClient) -> None:
        self.secrets = secrets
        self._client = client

    # -- offline -----------------------------------------------------------------------------------

    def missing(self, account: Account) -> str | None:
        return missing(account, self.secrets)

    # -- live --------------------------------------------------------------------------------------

    async def status(self, account: Account) -> AccountStatus:
        """The account's state: not set up (nothing stored), or the outcome of a live check."""
        if not account.enabled:
            return AccountStatus(AccountState.NOT_SET_UP, "Switched off in Settings.")
        try:
            missing = self.missing(account)
        except SecretStoreError as exc:
            return AccountStatus(AccountState.ERROR, str(exc))
        if missing is not None:
            return AccountStatus(AccountState.NOT_SET_UP, f"{missing} Connect it with `ringside account connect "
                                                          f"{account.id}` or in Settings.")
        return await self.test(account)

    async def test(self, account: Account) -> AccountStatus:
        """Test connection: one authenticated read, reported in words."""
        try:
            detail = await check(account, self._client, self.secrets)
        except (RingsideError, httpx.HTTPError) as exc:
            log.info("%s: connection test failed: %s", account.id, exc.__class__.__name__)
            return status_of(exc)
        return AccountStatus(AccountState.CONNECTED, detail)

    # -- connecting --------------------------------------------------------------------------------

    async def sign_in(
        self,
        account: Account,
        open_url: OpenUrl,
        *,
        client_secret: str | None = None,
        timeout_s: float = SIGN_IN_TIMEOUT_S,
    ) -> str:
        """The browser sign-in for an OAuth account. `client_secret` replaces the stored one (it
        is needed for the code exchange). Raises SignInFailed / ConnectorError; stores nothing then."""
        config = oauth_config_for(account)
        if config is None:
            raise RingsideError(f"{account.display_name} does not sign in through the browser.")
        candidates = {CLIENT_SECRET: client_secret} if client_secret else {}
        trial = CandidateSecrets(self.secrets, account.id, candidates)
        if not trial.get(account.id, CLIENT_SECRET):
            raise NeedsSignIn(f"Enter the client secret for {account.display_name} first.")
        await authorize(OAuthClient(config, self._client, trial), open_url, timeout_s=timeout_s)
        trial.commit()
        return f"Signed in to {account.display_name}; the tokens are in the keyring."

    async def store_secret(self, account: Account, secret: str) -> str:
        """Check a password / API key with the CRM, then keep it. Raises (storing nothing) when the
        CRM refuses it or can't be reached."""
        wanted = secret_for(account)
        if wanted is None:
            raise RingsideError(f"{account.display_name} has no password or API key to enter.")
        value = secret.strip()
        if not value:
            raise RingsideError(f"The {wanted.label.lower()} is empty.")
        trial = CandidateSecrets(self.secrets, account.id, {wanted.name: value})
        detail = await check(account, self._client, trial)
        trial.commit()
        return detail

    async def disconnect(self, account: Account) -> str:
        """Sign out: revoke at the CRM where it can (Recruit Wizard), then delete every secret the
        account has here. Local secrets go even when the CRM can't be reached (the message says so)."""
        notes: list[str] = []
        config = oauth_config_for(account) if sign_in_method(account) is SignIn.OAUTH else None
        if config is not None and self.secrets.get(account.id, TOKENS):
            if config.revocation_url:
                try:
                    await OAuthClient(config, self._client, self.secrets).revoke()
                    notes.append(f"Signed out at {config.service}.")
                except ConnectorError as exc:
                    notes.append(f"{config.service} could not be told ({exc}), so its sign-in may stay valid "
                                 "there until it expires.")
            else:
                notes.append(f"{config.service} has no way to revoke a sign-in; it ends when its tokens expire.")
        for name in ALL_SECRETS:
            self.secrets.delete(account.id, name)
        notes.append(f"Ringside no longer holds any secret for {account.display_name} ({account.id}).")
        return " ".join(notes)
