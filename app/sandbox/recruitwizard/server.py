"""Recruit Wizard emulator: OAuth2 (authorization code + PKCE, rotating refresh tokens,
revocation; in oauth.py) and the telephony API (lookup, open jobs, activities), served from the demo
data. Request bodies are validated in models.py.

It is deliberately at least as strict as the real API: every /api call
needs a valid bearer token and `Accept: application/json`, the token endpoint takes only form
bodies, codes and refresh tokens are single use, numbers must be E.164 digits without '+'.
Where the real API's behaviour is unknown, it takes the stricter reading.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from pydantic import ValidationError

from app.sandbox.control import mount_control
from app.sandbox.demo_data import DemoData, DemoPerson, load_demo
from app.sandbox.faults import Faults, instrument
from app.sandbox.journal import Journal
from app.sandbox.recruitwizard.http import accepts_json, message
from app.sandbox.recruitwizard.models import ENTITY_NAME, ENTITY_OF_KIND, ActivityIn, LinkedPlayer
from app.sandbox.recruitwizard.oauth import OAuthServer

DENIED = {"Message": "Authorization has been denied for this request."}
_LOOKUP_NUMBER = re.compile(r"[1-9]\d{7,14}")  # E.164 digits, no '+'
_INT32 = re.compile(r"-?\d{1,10}")


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
        self.journal = Journal(extra_secret_keys={"code"})  # an authorization code is a credential
        self.oauth = OAuthServer(self.journal, client_id=client_id, client_secret=client_secret,
                                 access_ttl_s=access_ttl_s, refresh_ttl_s=refresh_ttl_s,
                                 require_pkce=require_pkce, clock=clock)
        self.faults = Faults()
        self._lock = threading.Lock()
        self._activities: list[dict[str, Any]] = []
        self._activity_ids = itertools.count(880001)

    # --- test controls (any thread) -----------------------------------------------------------

    @property
    def client_id(self) -> str:
        return self.oauth.client_id

    @property
    def client_secret(self) -> str:
        return self.oauth.client_secret

    @property
    def require_pkce(self) -> bool:
        return self.oauth.require_pkce

    @require_pkce.setter
    def require_pkce(self, value: bool) -> None:
        self.oauth.require_pkce = value

    @property
    def refresh_count(self) -> int:
        return self.oauth.refresh_count

    def deny_next_authorization(self) -> None:
        """The next authorize request is refused by the "user" (error=access_denied)."""
        self.oauth.deny_next_authorization()

    def expire_access_tokens(self) -> None:
        """Every access token issued so far now answers 401; refresh tokens stay valid."""
        self.oauth.expire_access_tokens()

    def revoke_all(self) -> None:
        self.oauth.revoke_all()

    def issue_tokens(self, scope: str = "read write offline_access") -> dict[str, Any]:
        """A valid token response, as if the browser flow had completed."""
        return self.oauth.issue(scope)

    def activities(self) -> list[dict[str, Any]]:
        """Bodies of accepted activities, oldest first."""
        with self._lock:
            return copy.deepcopy(self._activities)

    # --- app --------------------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application()
        instrument(app, self.journal, self.faults)
        mount_control(app, self.journal, self.faults)
        self.oauth.mount(app)
        app.router.add_get("/api/telephony/lookup/{number}", self._api(self._lookup))
        app.router.add_get("/api/jobs/contact/open/{contact_id}", self._api(self._open_jobs))
        app.router.add_post("/api/activities", self._api(self._post_activity))
        return app

    # --- API --------------------------------------------------------------------------------------

    def _api(self, handler: Handler) -> Handler:
        """Bearer token first (401), then Accept (406), as the real API checks them."""

        async def guarded(request: web.Request) -> web.StreamResponse:
            if not self.oauth.bearer_ok(request.headers.get("Authorization", "")):
                return web.json_response(DENIED, status=401, headers={"WWW-Authenticate": "Bearer"})
            if not accepts_json(request.headers.get("Accept"), loose=False):
                return web.Response(status=406)
            return await handler(request)

        return guarded

    def _people(self) -> list[DemoPerson]:
        return self.data.in_crm("recruitwizard")

    async def _lookup(self, request: web.Request) -> web.StreamResponse:
        number = request.match_info["number"]
        if not _LOOKUP_NUMBER.fullmatch(number):
            return message(
                400, f"'{number}' is not a phone number in E.164 format without '+', e.g. 61412345678."
            )
        matches = [p for p in self._people() if number in {n.lstrip("+") for n in p.numbers}]
        return web.json_response([_lookup_row(p) for p in matches])

    async def _open_jobs(self, request: web.Request) -> web.StreamResponse:
        raw = request.match_info["contact_id"]
        if not _INT32.fullmatch(raw) or not -(2**31) <= int(raw) < 2**31:
            return message(400, f"The value '{raw}' is not valid for contactId.")
        person = self.data.by_recruitwizard_id(int(raw))
        if person is None or person.kind != "contact" or not person.in_crm("recruitwizard"):
            return message(404, f"Contact {raw} was not found.")
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
            return message(
                415, f"The request entity's media type '{request.content_type}' is not supported."
            )
        try:
            body = json.loads(await request.text())
        except ValueError:
            return message(400, "The request body is not valid JSON.")
        if not isinstance(body, dict):
            return message(400, "The request body must be a JSON object.")
        try:
            activity = ActivityIn.model_validate(body)
        except ValidationError as exc:
            problems = [
                f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
                for error in exc.errors()
            ]
            return message(400, "The request is invalid. " + "; ".join(problems))
        for index, player in enumerate(activity.LinkedPlayers):
            problem = self._player_problem(player)
            if problem:
                return message(400, f"The request is invalid. LinkedPlayers[{index}]: {problem}")
        with self._lock:
            activity_id = next(self._activity_ids)
            self._activities.append(copy.deepcopy(body))
        return web.json_response({"ActivityID": activity_id})

    def _player_problem(self, player: LinkedPlayer) -> str | None:
        kind = ENTITY_NAME.get(player.EntityID)
        if kind is None:
            return f"EntityID {player.EntityID} cannot be linked to a call (use 1, 2 or 3)."
        person = self.data.by_recruitwizard_id(player.PlayerID)
        if person is None or not person.in_crm("recruitwizard"):
            return f"no record with ID {player.PlayerID}."
        if ENTITY_OF_KIND[person.kind] != player.EntityID:
            actual = ENTITY_NAME[ENTITY_OF_KIND[person.kind]]
            return f"{player.PlayerID} is a {actual}, not a {kind} (EntityID {player.EntityID})."
        return None


def _lookup_row(person: DemoPerson) -> dict[str, Any]:
    return {
        "ID": person.recruitwizard_id,
        "Entity": ENTITY_OF_KIND[person.kind],
        "FullName": person.full_name,
        "Company": person.company,
        # A client has no job title; the real API sends null for empty fields, so do we.
        "JobTitle": person.job_title or None,
    }
