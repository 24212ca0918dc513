"""OAuth2 tokens for any CRM that signs in that way: the code exchange, refreshes and revocation.

One `OAuthClient` per account: it reads the account's `TokenSet` from the keyring (one JSON entry,
`<account>:tokens`) and the client secret (`<account>:client_secret`), hands out a valid access
token, refreshes it ahead of expiry or after a 401 (once, however many requests failed at the same
time), and stores the rotated refresh token. It implements `app.crm._shared.http.Auth`, so a
connector plugs it straight into `Http`.

The browser half of the sign-in (the loopback redirect listener, state, PKCE) is browser_sign_in.py.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.config.secret_names import CLIENT_SECRET, TOKENS
from app.crm._shared.http import Http
from app.crm._shared.redirect_uri import DEFAULT_REDIRECT_URI
from app.errors import ConnectorError, NeedsSignIn, Rejected, SecretStoreError
from app.storage.secrets import SecretStore

log = logging.getLogger(__name__)


Clock = Callable[[], datetime]


class SignInFailed(NeedsSignIn):
    """The browser sign-in did not complete (cancelled, timed out, or a reply we cannot trust)."""


@dataclass(frozen=True)
class OAuthConfig:
    """Where and how one account signs in. `service` names the CRM in messages."""

    account_id: str
    service: str
    client_id: str
    authorize_url: str
    token_url: str
    scope: str
    revocation_url: str | None = None
    use_pkce: bool = True
    redirect_uri: str = DEFAULT_REDIRECT_URI  # registered with the CRM; matched exactly there
    # The refresh grant repeats redirect_uri where the CRM's documentation lists it (TrackerRMS).
    refresh_sends_redirect_uri: bool = False
    # How long a sign-in lasts, where the CRM says (None: unknown). Counted from the sign-in itself,
    # not from the last refresh: the stricter reading where refresh tokens rotate.
    sign_in_life: timedelta | None = None
    sign_in_warning: timedelta = timedelta(days=7)


class TokenSet(BaseModel):
    """What the keyring holds for an account. Tokens are kept out of repr so they never reach logs."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    access_token: str = Field(repr=False)
    refresh_token: str | None = Field(default=None, repr=False)
    expires_at: datetime | None = None  # UTC; None when the server did not say
    # When the browser sign-in behind these tokens happened (UTC); kept across refreshes. None for
    # tokens stored before this was recorded.
    signed_in_at: datetime | None = None

    def expires_within(self, seconds: float, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at - timedelta(seconds=seconds) <= now


class _TokenResponse(BaseModel):
    model_config = ConfigDict(extra="ignore")

    access_token: str = Field(min_length=1)
    refresh_token: str | None = None
    expires_in: float | None = None


def _utcnow() -> datetime:
    return datetime.now(UTC)


class OAuthClient:
    """Tokens for one account. Share one instance per account so refreshes are single-flight."""

    def __init__(
        self,
        config: OAuthConfig,
        client: httpx.AsyncClient,
        secrets: SecretStore,
        *,
        refresh_margin_s: float = 60.0,
        clock: Clock = _utcnow,
    ) -> None:
        self.config = config
        self._secrets = secrets
        self._margin = refresh_margin_s
        self._clock = clock
        self._tokens: TokenSet | None = None
        self._lock = asyncio.Lock()
        # Refresh attempts started so far. Callers that queued behind a failed attempt share its
        # error instead of repeating it one after another (ten timeouts in a row).
        self._attempts = 0
        self._failure: ConnectorError | None = None
        self._inflight: asyncio.Task[TokenSet] | None = None
        self._http = Http(client, service=config.service, base_url=config.token_url,
                          headers={"Accept": "application/json"})

    # -- Auth protocol -----------------------------------------------------------------------------

    async def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.access_token()}"}

    async def refresh(self, failed: Mapping[str, str]) -> None:
        """After a 401: replace the refused token, unless someone already has."""
        header = failed.get("Authorization", "")
        await self._renew(header.removeprefix("Bearer ").strip() or None)

    # -- tokens ------------------------------------------------------------------------------------

    async def access_token(self) -> str:
        """A token good for at least `refresh_margin_s` more seconds (refreshing if needed)."""
        tokens = self._tokens or self._load()
        if tokens is None:
            raise self._not_connected()
        self._tokens = tokens
        if not tokens.expires_within(self._margin, self._clock()):
            return tokens.access_token
        return (await self._renew(tokens.access_token)).access_token

    def reload(self) -> None:
        """Forget the cached tokens; the next request reads the keyring again."""
        self._tokens = None

    def stored_tokens(self) -> TokenSet | None:
        return self._load()

    async def _renew(self, seen: str | None) -> TokenSet:
        """Single-flight refresh. `seen` is the token the caller found wanting; if the current one
        differs (another task refreshed, or `ringside account connect` ran in another process and
        the keyring now holds new tokens), use that instead of refreshing again."""
        finished_before = self._attempts - (self._inflight is not None)
        async with self._lock:
            task = self._inflight
            if task is None:
                if self._failure is not None and self._attempts > finished_before:
                    raise copy.copy(self._failure)  # the attempt we queued behind failed
                now = self._clock()
                current = self._tokens
                if current is not None and current.access_token != seen and not current.expires_within(
                    self._margin, now
                ):
                    return current
                stored = self._load()
                if stored is not None and stored.access_token != seen and not stored.expires_within(
                    self._margin, now
                ):
                    log.info("%s: using tokens stored by another sign-in", self.config.account_id)
                    self._tokens = stored
                    return stored
                base = stored or current
                if base is None:
                    raise self._not_connected()
                if not base.refresh_token:
                    raise NeedsSignIn(self._sign_in_again())
                # A task of its own, so a caller cancelled by its lookup timeout cannot abort a
                # refresh half-way and lose the rotated refresh token.
                task = self._inflight = asyncio.get_running_loop().create_task(self._refresh(base))
                self._attempts += 1
                self._failure = None
                task.add_done_callback(self._refreshed)
            return await asyncio.shield(task)

    async def _refresh(self, base: TokenSet) -> TokenSet:
        refresh_token = base.refresh_token or ""
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        if self.config.refresh_sends_redirect_uri:
            form["redirect_uri"] = self.config.redirect_uri
        try:
            tokens = await self._grant(form, keep_refresh=refresh_token)
            tokens = tokens.model_copy(update={"signed_in_at": base.signed_in_at})
        except NeedsSignIn:
            # Another process may have refreshed with the same single-use token a moment ago.
            latest = self._load()
            if latest is not None and latest.refresh_token != refresh_token:
                self._tokens = latest
                return latest
            raise
        self._save(tokens)
        return tokens

    def _refreshed(self, task: asyncio.Task[TokenSet]) -> None:
        self._inflight = None
        if task.cancelled():
            return
        error = task.exception()  # retrieved here, so an unawaited failure is not reported as lost
        if isinstance(error, ConnectorError):
            self._failure = error

    async def exchange_code(self, code: str, redirect_uri: str, code_verifier: str | None) -> TokenSet:
        """Trade an authorisation code for tokens and store them."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if code_verifier is not None:
            form["code_verifier"] = code_verifier
        secret = self._client_secret()
        try:
            tokens = await self._grant(form, keep_refresh=None, secret=secret)
        except NeedsSignIn:
            raise SignInFailed(
                f"{self.config.service} did not accept the sign-in. Check the account's client id and "
                "client secret, then try again."
            ) from None
        tokens = tokens.model_copy(update={"signed_in_at": self._clock()})
        self._save(tokens)
        return tokens

    def sign_in_ends_at(self) -> datetime | None:
        """When the stored sign-in stops working (its refresh token's life), where that is known."""
        tokens = self._tokens or self._load()
        life = self.config.sign_in_life
        if tokens is None or life is None or tokens.signed_in_at is None:
            return None
        return tokens.signed_in_at + life

    def sign_in_ending(self) -> datetime | None:
        """The end of the sign-in if it falls within the warning period (a week), else None."""
        ends = self.sign_in_ends_at()
        if ends is not None and ends - self.config.sign_in_warning <= self._clock():
            return ends
        return None

    async def _grant(
        self, form: dict[str, str], keep_refresh: str | None, secret: str | None = None
    ) -> TokenSet:
        secret = secret or self._client_secret()
        body = {"client_id": self.config.client_id, "client_secret": secret, **form}
        try:
            response = await self._http.send("POST", self.config.token_url, data=body)
        except Rejected as exc:
            if exc.status != 400:
                raise
            # invalid_grant (expired, revoked or already-used refresh token), invalid_client…
            log.info("%s: token request refused (HTTP 400)", self.config.account_id)
            raise NeedsSignIn(self._sign_in_again()) from None
        answer = self._http.parse(
            self._http.decode(response), _TokenResponse, "an access token"
        )
        expires_at = (
            self._clock() + timedelta(seconds=answer.expires_in) if answer.expires_in is not None else None
        )
        # Refresh tokens may rotate: keep the new one; keep the old one only if none was sent.
        return TokenSet(
            access_token=answer.access_token,
            refresh_token=answer.refresh_token or keep_refresh,
            expires_at=expires_at,
        )

    # -- revocation --------------------------------------------------------------------------------

    async def revoke(self) -> None:
        """Sign out: revoke the stored tokens at the CRM (RFC 7009) and delete them here. Local
        tokens are deleted even when the CRM cannot be reached; that error is then raised."""
        tokens = self._load()
        self._tokens = None
        failure: ConnectorError | None = None
        try:
            if tokens is not None and self.config.revocation_url:
                secret = self._client_secret()
                pairs = [(tokens.refresh_token, "refresh_token"), (tokens.access_token, "access_token")]
                for token, hint in pairs:
                    if not token:
                        continue
                    try:
                        await self._http.send(
                            "POST", self.config.revocation_url,
                            data={"token": token, "token_type_hint": hint},
                            basic_auth=(self.config.client_id, secret),
                        )
                    except ConnectorError as exc:
                        failure = failure or exc
        finally:
            self._delete_tokens()
        if failure is not None:
            raise failure

    # -- keyring -----------------------------------------------------------------------------------

    def _load(self) -> TokenSet | None:
        try:
            raw = self._secrets.get(self.config.account_id, TOKENS)
        except SecretStoreError as exc:
            raise ConnectorError(str(exc)) from None
        if not raw:
            return None
        try:
            return TokenSet.model_validate_json(raw)
        except ValidationError:
            log.warning("%s: stored tokens are unreadable; a new sign-in is needed", self.config.account_id)
            return None

    def _save(self, tokens: TokenSet) -> None:
        self._tokens = tokens
        try:
            self._secrets.set(self.config.account_id, TOKENS, tokens.model_dump_json())
        except SecretStoreError as exc:
            # Keep working with the in-memory tokens; the next start will ask for a sign-in.
            log.warning("%s: could not store new tokens: %s", self.config.account_id, exc)

    def _delete_tokens(self) -> None:
        try:
            self._secrets.delete(self.config.account_id, TOKENS)
        except SecretStoreError as exc:
            raise ConnectorError(str(exc)) from None

    def _client_secret(self) -> str:
        try:
            secret = self._secrets.get(self.config.account_id, CLIENT_SECRET)
        except SecretStoreError as exc:
            raise ConnectorError(str(exc)) from None
        if not secret:
            raise NeedsSignIn(
                f"No client secret is stored for {self.config.service} account "
                f"'{self.config.account_id}'. Run `ringside account connect {self.config.account_id}`."
            )
        return secret

    def _not_connected(self) -> NeedsSignIn:
        return NeedsSignIn(
            f"{self.config.service} is not signed in yet. "
            f"Run `ringside account connect {self.config.account_id}`."
        )

    def _sign_in_again(self) -> str:
        return f"{self.config.service} needs you to sign in again."
