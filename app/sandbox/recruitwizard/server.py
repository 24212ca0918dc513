"""Recruit Wizard emulator: OAuth2 (authorization code + PKCE, rotating refresh tokens,
revocation) and the telephony API (lookup, open jobs, activities), served from the demo data.

It is deliberately at least as strict as the real API (see docs/api-contracts.md): every /api call
needs a valid bearer token and `Accept: application/json`, the token endpoint takes only form
bodies, codes and refresh tokens are single use, numbers must be E.164 digits without '+'.
Where the real API's behaviour is unknown, it takes the stricter reading.
"""

from __future__ import annotations

import base64
import binascii
import copy
import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError, field_validator
from yarl import URL

from app.sandbox.control import mount_control
from app.sandbox.demo_data import DemoData, DemoPerson, load_demo
from app.sandbox.faults import Faults, instrument
from app.sandbox.journal import Journal
from app.sandbox.oauth_tokens import FORM, NO_STORE, TokenStore, oauth_error, s256, same

ENTITY_CLIENT, ENTITY_CONTACT, ENTITY_CANDIDATE = 1, 2, 3
_ENTITY_OF_KIND = {"client": ENTITY_CLIENT, "contact": ENTITY_CONTACT, "candidate": ENTITY_CANDIDATE}
_ENTITY_NAME = {ENTITY_CLIENT: "Client", ENTITY_CONTACT: "Contact", ENTITY_CANDIDATE: "Candidate"}

REQUIRED_SCOPES = frozenset({"read", "write", "offline_access"})
CODE_TTL_S = 300.0
DENIED = {"Message": "Authorization has been denied for this request."}
_LOOKUP_NUMBER = re.compile(r"[1-9]\d{7,14}")  # E.164 digits, no '+'
_INT32 = re.compile(r"-?\d{1,10}")
_PKCE_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")  # base64url(SHA-256), unpadded
_PKCE_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")  # RFC 7636 §4.1
_ISO_WITH_ZONE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})")

# --- activity payload -------------------------------------------------------------------------


class LinkedPlayer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    EntityID: StrictInt
    PlayerID: StrictInt


class ActivityIn(BaseModel):
    """What POST /api/activities must carry. Extra keys are ignored (as ASP.NET model binding
    would); the required ones are strict: no "2" for 2, no dates without a zone."""

    model_config = ConfigDict(extra="ignore")
    StatusID: StrictInt
    Notes: StrictStr
    TypeId: StrictInt
    ActivityDate: StrictStr
    LinkedPlayers: list[LinkedPlayer] = Field(min_length=1)

    @field_validator("ActivityDate")
    @classmethod
    def _zoned_iso(cls, value: str) -> str:
        if not _ISO_WITH_ZONE.fullmatch(value):
            raise ValueError("must be ISO-8601 with a time zone, e.g. 2020-11-29T22:10:20.721Z")
        datetime.fromisoformat(value)  # rejects impossible dates like month 13
        return value


# --- OAuth state ------------------------------------------------------------------------------


@dataclass
class _Code:
    redirect_uri: str
    scope: str
    challenge: str | None
    expires_at: float
    grant_id: str


class RecruitWizardSandbox:
    """Emulates api.recruitwizard.com. One instance keeps its state across `make_app()` calls."""

    def __init__(
        self,
        data: DemoData | None = None,
        *,
        client_id: str = "ringside-demo",
        client_secret: str = "demo-client-secret",
        access_ttl_s: float = 86400,
        refresh_ttl_s: float = 60 * 86400,
        require_pkce: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.data = data if data is not None else load_demo()
        self.client_id = client_id
        self.client_secret = client_secret
        self.require_pkce = require_pkce  # the real API's PKCE support is unverified [U]
        self._clock = clock
        self.journal = Journal(extra_secret_keys={"code"})  # an authorization code is a credential
        self.journal.add_secret(client_secret)
        self.faults = Faults()
        self.refresh_count = 0
        self._lock = threading.Lock()
        self._codes: dict[str, _Code] = {}
        self._spent_codes: dict[str, str] = {}  # code -> grant id, to revoke a grant on code replay
        self._tokens = TokenStore(self.journal, access_ttl_s=access_ttl_s, refresh_ttl_s=refresh_ttl_s,
                                  clock=clock)  # owned by the sign-in (grant) they came from
        self._deny_next = False
        self._activities: list[dict[str, Any]] = []
        self._activity_ids = itertools.count(880001)

    # --- test controls (any thread) -----------------------------------------------------------

    def deny_next_authorization(self) -> None:
        """The next authorize request is refused by the "user" (error=access_denied)."""
        with self._lock:
            self._deny_next = True

    def expire_access_tokens(self) -> None:
        """Every access token issued so far now answers 401; refresh tokens stay valid."""
        with self._lock:
            self._tokens.expire_access()

    def revoke_all(self) -> None:
        with self._lock:
            self._tokens.revoke_all()

    def issue_tokens(self, scope: str = "read write offline_access") -> dict[str, Any]:
        """A valid token response, as if the browser flow had completed."""
        with self._lock:
            return self._issue(secrets.token_hex(8), scope)

    def activities(self) -> list[dict[str, Any]]:
        """Bodies of accepted activities, oldest first."""
        with self._lock:
            return copy.deepcopy(self._activities)

    # --- app --------------------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application()
        instrument(app, self.journal, self.faults)
        mount_control(app, self.journal, self.faults)
        app.router.add_get("/core/connect/authorize", self._authorize)
        app.router.add_post("/core/connect/token", self._token)
        app.router.add_post("/core/connect/revocation", self._revocation)
        app.router.add_get("/api/telephony/lookup/{number}", self._api(self._lookup))
        app.router.add_get("/api/jobs/contact/open/{contact_id}", self._api(self._open_jobs))
        app.router.add_post("/api/activities", self._api(self._post_activity))
        return app

    # --- OAuth ------------------------------------------------------------------------------------

    async def _authorize(self, request: web.Request) -> web.StreamResponse:
        query = request.query
        if query.get("client_id") != self.client_id or len(query.getall("client_id", [])) != 1:
            return _error_page("unauthorized_client", "Unknown client_id.")
        redirect_uri = query.get("redirect_uri", "")
        if len(query.getall("redirect_uri", [])) != 1 or not _is_absolute_http(redirect_uri):
            return _error_page("invalid_request", "redirect_uri is missing or not an absolute http(s) URL.")

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
        self.journal.add_secret(code)
        return back(code=code)

    async def _token(self, request: web.Request) -> web.StreamResponse:
        if not _accepts_json(request.headers.get("Accept"), loose=True):
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
            return self._token_response(self._issue(grant.grant_id, grant.scope))

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
            return self._token_response(self._issue(token.owner, token.scope))

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

    @staticmethod
    def _token_response(body: dict[str, Any]) -> web.StreamResponse:
        return web.json_response(body, headers=NO_STORE)

    # --- API --------------------------------------------------------------------------------------

    def _api(self, handler: Handler) -> Handler:
        """Bearer token first (401), then Accept (406), as the real API checks them."""

        async def guarded(request: web.Request) -> web.StreamResponse:
            if not self._bearer_ok(request.headers.get("Authorization", "")):
                return web.json_response(DENIED, status=401, headers={"WWW-Authenticate": "Bearer"})
            if not _accepts_json(request.headers.get("Accept"), loose=False):
                return web.Response(status=406)
            return await handler(request)

        return guarded

    def _bearer_ok(self, header: str) -> bool:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        with self._lock:
            return self._tokens.live(token.strip()) is not None

    def _people(self) -> list[DemoPerson]:
        return self.data.in_crm("recruitwizard")

    async def _lookup(self, request: web.Request) -> web.StreamResponse:
        number = request.match_info["number"]
        if not _LOOKUP_NUMBER.fullmatch(number):
            return _message(
                400, f"'{number}' is not a phone number in E.164 format without '+', e.g. 61412345678."
            )
        matches = [p for p in self._people() if number in {n.lstrip("+") for n in p.numbers}]
        return web.json_response([_lookup_row(p) for p in matches])

    async def _open_jobs(self, request: web.Request) -> web.StreamResponse:
        raw = request.match_info["contact_id"]
        if not _INT32.fullmatch(raw) or not -(2**31) <= int(raw) < 2**31:
            return _message(400, f"The value '{raw}' is not valid for contactId.")
        person = self.data.by_recruitwizard_id(int(raw))
        if person is None or person.kind != "contact" or not person.in_crm("recruitwizard"):
            return _message(404, f"Contact {raw} was not found.")
        return web.json_response(
            [
                {
                    "JobID": job.job_id,
                    "Title": job.title,
                    "EmploymentType": job.employment_type,
                    "Employer": job.employer,
                    "Location_Country": job.country,
                    "Location_State": job.state,
                    "Location_Suburb": job.suburb,
                }
                for job in self.data.jobs_of(person.key, open_only=True)
            ]
        )

    async def _post_activity(self, request: web.Request) -> web.StreamResponse:
        if request.content_type != "application/json":
            return _message(
                415, f"The request entity's media type '{request.content_type}' is not supported."
            )
        try:
            body = json.loads(await request.text())
        except ValueError:
            return _message(400, "The request body is not valid JSON.")
        if not isinstance(body, dict):
            return _message(400, "The request body must be a JSON object.")
        try:
            activity = ActivityIn.model_validate(body)
        except ValidationError as exc:
            problems = [
                f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
                for error in exc.errors()
            ]
            return _message(400, "The request is invalid. " + "; ".join(problems))
        for index, player in enumerate(activity.LinkedPlayers):
            problem = self._player_problem(player)
            if problem:
                return _message(400, f"The request is invalid. LinkedPlayers[{index}]: {problem}")
        with self._lock:
            activity_id = next(self._activity_ids)
            self._activities.append(copy.deepcopy(body))
        return web.json_response({"ActivityID": activity_id})

    def _player_problem(self, player: LinkedPlayer) -> str | None:
        kind = _ENTITY_NAME.get(player.EntityID)
        if kind is None:
            return f"EntityID {player.EntityID} cannot be linked to a call (use 1, 2 or 3)."
        person = self.data.by_recruitwizard_id(player.PlayerID)
        if person is None or not person.in_crm("recruitwizard"):
            return f"no record with ID {player.PlayerID}."
        if _ENTITY_OF_KIND[person.kind] != player.EntityID:
            actual = _ENTITY_NAME[_ENTITY_OF_KIND[person.kind]]
            return f"{player.PlayerID} is a {actual}, not a {kind} (EntityID {player.EntityID})."
        return None


# --- helpers ----------------------------------------------------------------------------------


def _lookup_row(person: DemoPerson) -> dict[str, Any]:
    return {
        "ID": person.recruitwizard_id,
        "Entity": _ENTITY_OF_KIND[person.kind],
        "FullName": person.full_name,
        "Company": person.company,
        # A client has no job title; the real API sends null for empty fields, so do we.
        "JobTitle": person.job_title or None,
    }


def _message(status: int, text: str) -> web.StreamResponse:
    return web.json_response({"Message": text}, status=status)


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


def _accepts_json(header: str | None, *, loose: bool) -> bool:
    """Whether an Accept header admits JSON. `loose` (token endpoint): no header, */* and
    application/* do. Strict (API): the header must name application/json itself."""
    if header is None:
        return loose
    for media_range in header.split(","):
        media, *params = (part.strip() for part in media_range.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        media = media.lower()
        if media == "application/json" or (loose and media in {"*/*", "application/*"}):
            return True
    return False
