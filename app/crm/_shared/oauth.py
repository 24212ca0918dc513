"""OAuth2 authorisation code (with PKCE) and refresh tokens, for any CRM that signs in that way.

One `OAuthClient` per account: it reads the account's `TokenSet` from the keyring (one JSON entry,
`<account>:tokens`) and the client secret (`<account>:client_secret`), hands out a valid access
token, refreshes it ahead of expiry or after a 401 (once, however many requests failed at the same
time), and stores the rotated refresh token. It implements `app.crm._shared.http.Auth`, so a
connector plugs it straight into `Http`.

`authorize()` runs the browser sign-in: a one-shot loopback listener receives the redirect.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import html
import inspect
import logging
import secrets as _random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

import httpx
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.crm._shared.http import Http
from app.errors import ConnectorError, NeedsSignIn, Rejected, SecretStoreError
from app.storage.secrets import SecretStore

log = logging.getLogger(__name__)

TOKENS = "tokens"  # keyring entry name (per account) holding the TokenSet JSON
CLIENT_SECRET = "client_secret"

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


class TokenSet(BaseModel):
    """What the keyring holds for an account. Tokens are kept out of repr so they never reach logs."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    access_token: str = Field(repr=False)
    refresh_token: str | None = Field(default=None, repr=False)
    expires_at: datetime | None = None  # UTC; None when the server did not say

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
                task = self._inflight = asyncio.get_running_loop().create_task(self._refresh(base.refresh_token))
                self._attempts += 1
                self._failure = None
                task.add_done_callback(self._refreshed)
            return await asyncio.shield(task)

    async def _refresh(self, refresh_token: str) -> TokenSet:
        try:
            tokens = await self._grant(
                {"grant_type": "refresh_token", "refresh_token": refresh_token}, keep_refresh=refresh_token
            )
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
        self._save(tokens)
        return tokens

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


# -- the authorisation-code flow -------------------------------------------------------------------

OpenUrl = Callable[[str], Awaitable[None] | None]

_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Ringside</title>
<style>body{{font-family:system-ui,sans-serif;margin:4em auto;max-width:32em;color:#222}}</style></head>
<body><h1>{title}</h1><p>{detail}</p><p>You can close this tab.</p></body></html>"""


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge) per RFC 7636."""
    verifier = _random.token_urlsafe(64)  # 86 characters from the unreserved set
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(config: OAuthConfig, redirect_uri: str, state: str, code_challenge: str | None) -> str:
    params = {
        "client_id": config.client_id,
        "redirect_uri": redirect_uri,
        "scope": config.scope,
        "response_type": "code",
        "state": state,
    }
    if code_challenge is not None:
        params |= {"code_challenge": code_challenge, "code_challenge_method": "S256"}
    separator = "&" if "?" in config.authorize_url else "?"
    return config.authorize_url + separator + urlencode(params, quote_via=quote)


async def authorize(
    oauth: OAuthClient,
    open_url: OpenUrl,
    *,
    timeout_s: float = 300.0,
    port: int = 0,
    path: str = "/callback",
) -> TokenSet:
    """Sign in through the browser and store the tokens.

    Listens once on http://127.0.0.1:<port><path> (a random port unless given), passes the
    authorisation URL to `open_url` (print it, open a browser…), waits up to `timeout_s` for the
    redirect, checks `state`, exchanges the code (with the PKCE verifier) and stores the TokenSet.
    Raises SignInFailed when the user refuses, the reply cannot be trusted or nothing arrives.
    """
    config = oauth.config
    state = _random.token_urlsafe(24)
    verifier, challenge = pkce_pair() if config.use_pkce else (None, None)
    loop = asyncio.get_running_loop()
    reply: asyncio.Future[Mapping[str, str]] = loop.create_future()

    async def callback(request: web.Request) -> web.Response:
        if reply.done():
            return _page(410, "This sign-in link was already used", "Start the sign-in again from Ringside.")
        query = {key: request.query[key] for key in request.query}
        reply.set_result(query)
        problem = _problem(query, state, config.service)
        if problem is not None:
            return _page(400, f"{config.service} sign-in failed", problem)
        return _page(200, f"{config.service} is connected", "Ringside has what it needs.")

    async def refuse(request: web.Request) -> web.Response:
        return _page(404 if not reply.done() else 410, "Nothing here", "This address only takes one sign-in.")

    app = web.Application()
    app.router.add_get(path, callback)
    app.router.add_route("*", "/{tail:.*}", refuse)
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", port)  # loopback only: the code must not leave this machine
        try:
            await site.start()
        except OSError as exc:
            raise SignInFailed(
                f"Ringside could not listen on 127.0.0.1:{port} for the sign-in reply ({exc.strerror})."
            ) from None
        bound_port = runner.addresses[0][1]
        redirect_uri = f"http://127.0.0.1:{bound_port}{path}"
        url = authorize_url(config, redirect_uri, state, challenge)
        opened = open_url(url)
        if inspect.isawaitable(opened):
            await opened
        try:
            query = await asyncio.wait_for(asyncio.shield(reply), timeout_s)
        except TimeoutError:
            raise SignInFailed(
                f"No answer from the browser within {_duration(timeout_s)}; the {config.service} "
                "sign-in was not completed. Try again."
            ) from None
    finally:
        await runner.cleanup()
    problem = _problem(query, state, config.service)
    if problem is not None:
        raise SignInFailed(problem)
    return await oauth.exchange_code(query["code"], redirect_uri, verifier)


def _problem(query: Mapping[str, str], state: str, service: str) -> str | None:
    """Why a redirect cannot be used, in words for the user; None when it can."""
    error = query.get("error")
    # A reply carrying someone else's state is ignored whatever it says; some servers omit
    # state on error replies, so those are reported as they are.
    matches = _random.compare_digest(query.get("state", "").encode(), state.encode())
    if ("state" in query or not error) and not matches:
        return "The sign-in reply did not match this sign-in attempt, so it was ignored. Try again."
    if error == "access_denied":
        return f"Access was denied, so Ringside is not connected to {service}."
    if error:
        detail = query.get("error_description") or error
        return f"{service} refused the sign-in: {' '.join(detail.split())[:200]}"
    if not query.get("code"):
        return f"{service} sent no authorisation code. Try again."
    return None


def _page(status: int, title: str, detail: str) -> web.Response:
    body = _PAGE.format(title=html.escape(title), detail=html.escape(detail))
    return web.Response(status=status, text=body, content_type="text/html")


def _duration(seconds: float) -> str:
    if seconds >= 120:
        return f"{round(seconds / 60)} minutes"
    return f"{seconds:g} seconds"
