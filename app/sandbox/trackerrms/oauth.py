"""The TrackerRMS emulator's OAuth2 server: `GET /oAuth2/Authorize` (client_id EvoApi_1.0,
scope "read,write", state required; the pretend user consents at once) and `POST /oAuth2/Token`
(form body; authorization_code and refresh_token grants, both with a registered redirect_uri).
Authorize refuses any redirect_uri not registered for the client. Tokens are GUIDs, as TrackerRMS issues
them; codes and refresh tokens work once; access tokens expire. PKCE is checked when a client sends
a challenge, though the seed never mentions it.
"""

from __future__ import annotations

import html
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from yarl import URL

from app.sandbox.journal import Journal
from app.sandbox.oauth_tokens import FORM, NO_STORE, OAuthControls, TokenStore, oauth_error, s256, same

CODE_TTL_S = 300.0


@dataclass
class _Code:
    redirect_uri: str
    username: str
    challenge: str | None
    expires_at: float


class OAuthServer(OAuthControls):
    """Codes and tokens for one emulator; thread-safe (tests steer it from their own thread)."""

    def __init__(
        self,
        journal: Journal,
        *,
        client_id: str,
        client_secret: str,
        user: str,
        access_ttl_s: float,
        refresh_ttl_s: float,
        redirect_uris: Iterable[str],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client_id = client_id
        self.redirect_uris = set(redirect_uris)  # registered for the client; matched exactly
        self.client_secret = client_secret
        self.user = user  # who "signs in" at the authorize page
        self.refresh_count = 0
        self._journal = journal
        self._clock = clock
        self._lock = threading.Lock()
        self._codes: dict[str, _Code] = {}
        # GUID tokens, as TrackerRMS issues them; owned by the user they act as.
        self._tokens = TokenStore(journal, access_ttl_s=access_ttl_s, refresh_ttl_s=refresh_ttl_s, clock=clock,
                                  mint=lambda: str(uuid.uuid4()))
        self._deny_next = False
        journal.add_secret(client_secret)

    def mount(self, app: web.Application) -> None:
        app.router.add_get("/oAuth2/Authorize", self._authorize)
        app.router.add_post("/oAuth2/Token", self._token)

    # --- controls and checks (any thread) ---------------------------------------------------------

    def issue(self, username: str) -> dict[str, Any]:
        with self._lock:
            return self._issue(username)

    def bearer_user(self, header: str) -> str | None:
        """The user an `Authorization: Bearer …` header acts as; None if it is not a live token."""
        scheme, _, token = header.partition(" ")
        return self.token_user(token.strip()) if scheme.lower() == "bearer" else None

    def token_user(self, token: str) -> str | None:
        with self._lock:
            info = self._tokens.live(token)
            return info.owner if info is not None else None

    # --- endpoints ----------------------------------------------------------------------------------

    async def _authorize(self, request: web.Request) -> web.StreamResponse:
        query = request.query
        if any(len(query.getall(name)) > 1 for name in query):
            return _error_page("invalid_request", "A parameter was repeated.")
        if query.get("client_id") != self.client_id:
            return _error_page("unauthorized_client", "Unknown client_id.")
        redirect_uri = query.get("redirect_uri", "")
        if not _absolute_http(redirect_uri):
            return _error_page("invalid_request", "redirect_uri is missing or not an absolute http(s) URL.")
        with self._lock:
            registered = redirect_uri in self.redirect_uris
        if not registered:  # never redirect to an unregistered URI: an error page instead
            return _error_page("invalid_request", "redirect_uri is not registered for this client.")
        state = query.get("state")

        def back(**params: str) -> web.StreamResponse:
            if state is not None:
                params["state"] = state
            return web.Response(status=302, headers={"Location": str(URL(redirect_uri).update_query(params))})

        if query.get("response_type") != "code":
            return back(error="unsupported_response_type")
        if {s.strip() for s in query.get("scope", "").split(",")} != {"read", "write"}:
            return back(error="invalid_scope", error_description="scope must be 'read,write'.")
        if not state:
            return back(error="invalid_request", error_description="state is required.")
        challenge = query.get("code_challenge")
        if challenge is not None and query.get("code_challenge_method") != "S256":
            return back(error="invalid_request", error_description="PKCE must use S256.")
        with self._lock:
            if self._deny_next:
                self._deny_next = False
                return back(error="access_denied")
            code = secrets.token_urlsafe(32)
            self._codes[code] = _Code(redirect_uri, self.user, challenge, self._clock() + CODE_TTL_S)
        self._journal.add_secret(code)
        return back(code=code)

    async def _token(self, request: web.Request) -> web.StreamResponse:
        if request.content_type != FORM:
            return oauth_error("invalid_request", "The body must be application/x-www-form-urlencoded.")
        form = await request.post()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        if not (same(fields.get("client_id"), self.client_id)
                and same(fields.get("client_secret"), self.client_secret)):
            return oauth_error("invalid_client", status=401)
        grant_type = fields.get("grant_type")
        with self._lock:
            if grant_type == "authorization_code":
                code = self._codes.pop(fields.get("code", ""), None)  # single use
                if code is None or code.expires_at <= self._clock():
                    return oauth_error("invalid_grant", "The code is unknown, expired or already used.")
                if fields.get("redirect_uri") != code.redirect_uri:
                    return oauth_error("invalid_grant", "redirect_uri differs from the one authorised.")
                verifier = fields.get("code_verifier")
                if code.challenge is not None and (verifier is None or not same(s256(verifier), code.challenge)):
                    return oauth_error("invalid_grant", "code_verifier does not match the challenge.")
                return web.json_response(self._issue(code.username), headers=NO_STORE)
            if grant_type == "refresh_token":
                # The Widget API's token call lists redirect_uri for both grants.
                if fields.get("redirect_uri") not in self.redirect_uris:
                    return oauth_error("invalid_request", "redirect_uri is missing or not registered.")
                old = self._tokens.rotate(fields.get("refresh_token", ""))  # rotated: single use
                if old is None:
                    return oauth_error("invalid_grant", "The refresh token is invalid, used or expired.")
                self.refresh_count += 1
                return web.json_response(self._issue(old.owner), headers=NO_STORE)
        return oauth_error("unsupported_grant_type")

    def _issue(self, username: str) -> dict[str, Any]:
        """A token response for `username`. Caller holds the lock."""
        access, refresh = self._tokens.issue(username)
        return {"access_token": access, "token_type": "bearer", "expires_in": int(self._tokens.access_ttl_s),
                "refresh_token": refresh}


def _absolute_http(uri: str) -> bool:
    try:
        url = URL(uri)
    except ValueError:
        return False
    return url.is_absolute() and url.scheme in {"http", "https"} and not url.fragment


def _error_page(error: str, description: str) -> web.StreamResponse:
    text = f"<!DOCTYPE html><html><body><h1>Error</h1><p>{error}: {html.escape(description)}</p></body></html>"
    return web.Response(status=400, text=text, content_type="text/html")
