"""What every emulator's OAuth server shares: its token store, the OAuth error reply and the PKCE
S256 check. The emulators differ in their endpoints and token shapes, not in how tokens live and die."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from app.sandbox.journal import Journal

FORM = "application/x-www-form-urlencoded"
# Ringside's default redirect URI: what the emulators register for their client unless told otherwise.
DEFAULT_REDIRECT_URI = "http://127.0.0.1:47615/callback"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@dataclass
class Token:
    owner: str  # what the token acts for: a sign-in (grant) or a user
    scope: str
    expires_at: float
    revoked: bool = False


class TokenStore:
    """Access and refresh tokens of one emulator. Not locked itself: the emulator holds its own lock
    around each call, since a token change is usually one step of a larger check."""

    def __init__(
        self,
        journal: Journal,
        *,
        access_ttl_s: float,
        refresh_ttl_s: float,
        clock: Callable[[], float],
        mint: Callable[[], str] = lambda: secrets.token_urlsafe(32),
    ) -> None:
        self.access_ttl_s = access_ttl_s
        self.refresh_ttl_s = refresh_ttl_s
        self._journal = journal
        self._clock = clock
        self._mint = mint
        self._access: dict[str, Token] = {}
        self._refresh: dict[str, Token] = {}

    def issue(self, owner: str, scope: str = "") -> tuple[str, str]:
        """A new (access, refresh) pair; both are scrubbed from the journal from now on."""
        now = self._clock()
        access, refresh = self._mint(), self._mint()
        self._access[access] = Token(owner, scope, now + self.access_ttl_s)
        self._refresh[refresh] = Token(owner, scope, now + self.refresh_ttl_s)
        self._journal.add_secret(access)
        self._journal.add_secret(refresh)
        return access, refresh

    def live(self, access: str) -> Token | None:
        """The access token's record if it is known, unrevoked and unexpired."""
        return self._usable(self._access.get(access))

    def rotate(self, refresh: str) -> Token | None:
        """Spend a refresh token (each works once); its record if it was usable."""
        return self._usable(self._refresh.pop(refresh, None))

    def revoke(self, token: str) -> None:
        """RFC 7009: revoking a refresh token voids its whole sign-in; an access token, only itself."""
        if token in self._refresh:
            self.revoke_owner(self._refresh[token].owner)
        elif token in self._access:
            self._access[token].revoked = True

    def revoke_owner(self, owner: str) -> None:
        for token in self._all():
            if token.owner == owner:
                token.revoked = True

    def revoke_all(self) -> None:
        for token in self._all():
            token.revoked = True

    def expire_access(self) -> None:
        """Every access token issued so far now answers 401; refresh tokens stay valid."""
        for token in self._access.values():
            token.expires_at = float("-inf")

    def _usable(self, token: Token | None) -> Token | None:
        if token is None or token.revoked or token.expires_at <= self._clock():
            return None
        return token

    def _all(self) -> itertools.chain[Token]:
        return itertools.chain(self._access.values(), self._refresh.values())


def s256(verifier: str) -> str:
    """RFC 7636's S256 code challenge of a verifier."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def same(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a credential."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def oauth_error(
    error: str, description: str | None = None, *, status: int = 400, headers: dict[str, str] | None = None
) -> web.StreamResponse:
    body = {"error": error} if description is None else {"error": error, "error_description": description}
    return web.json_response(body, status=status, headers={**NO_STORE, **(headers or {})})


class OAuthControls:
    """What a test or the demo may do to any emulator's OAuth server, from any thread. The server
    sets `_lock`, `redirect_uris`, `_deny_next` and `_tokens` in its constructor."""

    _lock: threading.Lock
    redirect_uris: set[str]
    _deny_next: bool
    _tokens: TokenStore

    def register_redirect_uri(self, uri: str) -> None:
        with self._lock:
            self.redirect_uris.add(uri)

    def deny_next_authorization(self) -> None:
        with self._lock:
            self._deny_next = True

    def expire_access_tokens(self) -> None:
        with self._lock:
            self._tokens.expire_access()

    def revoke_all(self) -> None:
        with self._lock:
            self._tokens.revoke_all()
