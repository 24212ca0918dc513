"""The Recruit Wizard emulator's OAuth2 server (IdentityServer at /core/connect): authorization code
with optional PKCE, rotating single-use refresh tokens, revocation (RFC 7009) with Basic client auth.
Codes are single use; replaying one voids the tokens of its sign-in (grant). Where the real server's
behaviour is unknown it takes the stricter reading.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from yarl import URL

from app.sandbox.journal import Journal
from app.sandbox.oauth_tokens import FORM, NO_STORE, OAuthControls, TokenStore, oauth_error, s256, same
from app.sandbox.recruitwizard.http import accepts_json

REQUIRED_SCOPES = frozenset({"read", "write", "offline_access"})
CODE_TTL_S = 300.0
_PKCE_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")  # base64url(SHA-256), unpadded
_PKCE_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")  # RFC 7636 §4.1


@dataclass
class _Code:
    redirect_uri: str
    scope: str
    challenge: str | None
    expires_at: float
    grant_id: str


class OAuthServer(OAuthControls):
    """Codes and tokens for the emulator; thread-safe (tests steer it from their own thread)."""

    def __init__(
        self,
        journal: Journal,
        *,
        client_id: str,
        client_secret: str,
        access_ttl_s: float,
        refresh_ttl_s: float,
        require_pkce: bool,
        redirect_uris: Iterable[str],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client_id = client_id
        # What the client registered; IdentityServer matches redirect_uri exactly against these.
        self.redirect_uris = set(redirect_uris)
        self.client_secret = client_secret
        self.require_pkce = require_pkce  # the real API's PKCE support is unverified [U]
        self.refresh_count = 0
        self._journal = journal
        self._clock = clock
        self._lock = threading.Lock()
        self._codes: dict[str, _Code] = {}
        self._spent_codes: dict[str, str] = {}  # code -> grant id, to revoke a grant on code replay
        self._tokens = TokenStore(journal, access_ttl_s=access_ttl_s, refresh_ttl_s=refresh_ttl_s,
                                  clock=clock)  # owned by the sign-in (grant) they came from
        self._deny_next = False
        self.user = {"sub": "7731", "name": "Alex Morgan", "email": "alex.morgan@agency.example"}
        journal.add_secret(client_secret)

    def mount(self, app: web.Application) -> None:
        app.router.add_get("/core/connect/authorize", self._authorize)
        app.router.add_post("/core/connect/token", self._token)
        app.router.add_post("/core/connect/revocation", self._revocation)
        app.router.add_get("/core/connect/userinfo", self._userinfo)

    # --- controls and checks (any thread) ---------------------------------------------------------

    def issue(self, scope: str) -> dict[str, Any]:
        with self._lock:
            return self._issue(secrets.token_hex(8), scope)

    def bearer_ok(self, header: str) -> bool:
        """Whether an `Authorization: Bearer …` header carries a live access token."""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        with self._lock:
            return self._tokens.live(token.strip()) is not None

    # --- endpoints ----------------------------------------------------------------------------------

    async def _authorize(self, request: web.Request) -> web.StreamResponse:
        query = request.query
        if query.get("client_id") != self.client_id or len(query.getall("client_id", [])) != 1:
            return _error_page("unauthorized_client", "Unknown client_id.")
        redirect_uri = query.get("redirect_uri", "")
        if len(query.getall("redirect_uri", [])) != 1 or not _is_absolute_http(redirect_uri):
            return _error_page("invalid_request", "redirect_uri is missing or not an absolute http(s) URL.")
        with self._lock:
            registered = redirect_uri in self.redirect_uris
        if not registered:  # never redirect to an unregistered URI: an error page instead
            return _error_page("invalid_request", "redirect_uri is not registered for this client.")

        state = query.get("state")

        def back(**params: str) -> web.StreamResponse:
            if state is not None:
                params["state"] = state
            location = URL(redirect_uri).update_query(params)
            return web.Response(status=302, headers={"Location": str(location)})

        if any(len(query.getall(name)) > 1 for name in query):
            return back(error="invalid_request", error_description="A parameter was repeated.")
        if "response_type" not in query:
            return back(error="invalid_request", error_description="response_type is required.")
        if query["response_type"] != "code":
            return back(error="unsupported_response_type")
        scopes = set(query.get("scope", "").split())
        if scopes != REQUIRED_SCOPES:  # all three, nothing else
            return back(error="invalid_scope", error_description="scope must be 'read write offline_access'.")
        if not state:
            return back(error="invalid_request", error_description="state is required.")
        challenge = query.get("code_challenge")
        method = query.get("code_challenge_method")
        if challenge is None and method is not None:
            return back(error="invalid_request", error_description="code_challenge_method without challenge.")
        if challenge is not None and (method != "S256" or not _PKCE_CHALLENGE.fullmatch(challenge)):
            return back(
                error="invalid_request", error_description="PKCE must use S256 and a valid challenge."
            )
        if challenge is None and self.require_pkce:
            return back(error="invalid_request", error_description="code_challenge is required.")
        with self._lock:
            if self._deny_next:
                self._deny_next = False
                return back(error="access_denied")
            code = secrets.token_urlsafe(32)
            self._codes[code] = _Code(
                redirect_uri=redirect_uri,
                scope=" ".join(sorted(scopes)),
                challenge=challenge,
                expires_at=self._clock() + CODE_TTL_S,
                grant_id=secrets.token_hex(8),
            )
        self._journal.add_secret(code)
        return back(code=code)

    async def _token(self, request: web.Request) -> web.StreamResponse:
        if not accepts_json(request.headers.get("Accept"), loose=True):
            return web.json_response({"error": "invalid_request"}, status=406)
        if request.content_type != FORM:
            return oauth_error("invalid_request", "The body must be application/x-www-form-urlencoded.")
        form = await request.post()
        if any(len(form.getall(name)) > 1 for name in form):
            return oauth_error("invalid_request", "A parameter was repeated.")
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        if not self._client_ok(fields.get("client_id"), fields.get("client_secret")):
            return oauth_error("invalid_client", status=401)
        grant_type = fields.get("grant_type")
        if grant_type == "authorization_code":
            return self._exchange_code(fields)
        if grant_type == "refresh_token":
            return self._refresh_grant(fields)
        if grant_type is None:
            return oauth_error("invalid_request", "grant_type is required.")
        return oauth_error("unsupported_grant_type")

    def _exchange_code(self, fields: dict[str, str]) -> web.StreamResponse:
        code = fields.get("code")
        if not code or "redirect_uri" not in fields:
            return oauth_error("invalid_request", "code and redirect_uri are required.")
        with self._lock:
            grant = self._codes.pop(code, None)  # single use, even when the exchange then fails
            if grant is None:
                replayed = self._spent_codes.get(code)
                if replayed is not None:
                    self._tokens.revoke_owner(replayed)  # RFC 6749 §4.1.2: a replayed code voids its tokens
                return oauth_error("invalid_grant", "The code is unknown, expired or already used.")
            self._spent_codes[code] = grant.grant_id
            if grant.expires_at <= self._clock():
                return oauth_error("invalid_grant", "The code has expired.")
            if fields["redirect_uri"] != grant.redirect_uri:
                return oauth_error("invalid_grant", "redirect_uri differs from the one authorized.")
            verifier = fields.get("code_verifier")
            if grant.challenge is None:
                if verifier is not None:
                    return oauth_error("invalid_grant", "code_verifier sent but no challenge was made.")
            elif verifier is None or not _pkce_matches(verifier, grant.challenge):
                return oauth_error("invalid_grant", "code_verifier does not match the challenge.")
            return _token_response(self._issue(grant.grant_id, grant.scope))

    def _refresh_grant(self, fields: dict[str, str]) -> web.StreamResponse:
        old = fields.get("refresh_token")
        if not old:
            return oauth_error("invalid_request", "refresh_token is required.")
        with self._lock:
            token = self._tokens.rotate(old)  # rotation: each refresh token works once
            if token is None:
                return oauth_error("invalid_grant", "The refresh token is invalid, used or expired.")
            wanted = set(fields.get("scope", token.scope).split())
            if not wanted <= set(token.scope.split()):
                return oauth_error("invalid_scope")
            self.refresh_count += 1
            return _token_response(self._issue(token.owner, token.scope))

    async def _revocation(self, request: web.Request) -> web.StreamResponse:
        if not self._basic_ok(request.headers.get("Authorization", "")):
            return oauth_error("invalid_client", status=401, headers={"WWW-Authenticate": "Basic"})
        if request.content_type != FORM:
            return oauth_error("invalid_request", "The body must be application/x-www-form-urlencoded.")
        form = await request.post()
        token = form.get("token")
        hint = form.get("token_type_hint")
        if not isinstance(token, str) or not token:
            return oauth_error("invalid_request", "token is required.")
        if hint not in (None, "access_token", "refresh_token"):
            return oauth_error("unsupported_token_type")
        with self._lock:
            self._tokens.revoke(token)
        return web.Response(status=200)  # unknown tokens too, per RFC 7009

    async def _userinfo(self, request: web.Request) -> web.StreamResponse:
        """OpenID Connect userinfo: who the bearer token's sign-in acts for."""
        if not self.bearer_ok(request.headers.get("Authorization", "")):
            return web.json_response({"error": "invalid_token"}, status=401,
                                     headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return web.json_response(dict(self.user))

    def _client_ok(self, client_id: str | None, secret: str | None) -> bool:
        return same(client_id, self.client_id) and same(secret, self.client_secret)

    def _basic_ok(self, header: str) -> bool:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        client_id, sep, secret = decoded.partition(":")
        return bool(sep) and self._client_ok(client_id, secret)

    def _issue(self, grant_id: str, scope: str) -> dict[str, Any]:
        """Mint an access + refresh token pair in `grant_id`. Caller holds the lock."""
        access, refresh = self._tokens.issue(grant_id, scope)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": int(self._tokens.access_ttl_s),
            "token_type": "Bearer",
            "scope": scope,
        }


def _token_response(body: dict[str, Any]) -> web.StreamResponse:
    return web.json_response(body, headers=NO_STORE)


def _error_page(error: str, description: str) -> web.StreamResponse:
    # IdentityServer shows an error page instead of redirecting when it cannot trust redirect_uri.
    html = f"<!DOCTYPE html><html><body><h1>Error</h1><p>{error}: {description}</p></body></html>"
    return web.Response(status=400, text=html, content_type="text/html")


def _is_absolute_http(uri: str) -> bool:
    try:
        url = URL(uri)
    except ValueError:
        return False
    return url.is_absolute() and url.scheme in {"http", "https"} and not url.fragment


def _pkce_matches(verifier: str, challenge: str) -> bool:
    if not _PKCE_VERIFIER.fullmatch(verifier):
        return False
    return same(s256(verifier), challenge)
