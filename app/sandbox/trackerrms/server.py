"""TrackerRMS emulator: OAuth2 (/oAuth2/Authorize, /oAuth2/Token), the Widget API
(`POST /api/widget/<call>` with the `{"trackerrms": {"<call>": {...}}}` envelope) and the screen pop
(`GET|POST /api/telephone/inboundCall`), served from the shared demo data.

At least as strict as the vendor's published Widget API: exactly one auth
method per request (Bearer header, or `credentials.oauthtoken`, or username + password, or apikey);
application errors come back as HTTP 200 with `status` 1 (user not found), 2 (user not active),
3 (record found and cannot be overwritten) or 99 (invalid request, with the reason); an invalid or
expired Bearer token is HTTP 401, so clients refresh. Request sections are validated strictly
(models.py); records live in store.py, the create calls in creating.py, OAuth in oauth.py.
"""

from __future__ import annotations

import copy
import html
import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from app.sandbox.control import mount_control
from app.sandbox.demo_data import DemoData, load_demo
from app.sandbox.faults import Faults, instrument
from app.sandbox.journal import Journal
from app.sandbox.oauth_tokens import same
from app.sandbox.trackerrms import models as m
from app.sandbox.trackerrms.creating import MAX_RESUME_BYTES, Creator
from app.sandbox.trackerrms.oauth import OAuthServer
from app.sandbox.trackerrms.replies import body, ok, problems, status_reply
from app.sandbox.trackerrms.store import (
    ADMIN,
    RECRUITER,
    PhoneFormat,
    Store,
    User,
    default_users,
    link,
    row,
    stored_phone,
)

DEMO_API_KEY = "knREmvtzyRfBMfep2mvn"  # the seed's sample key; the emulator's, not a real one
_E164_DIGITS = re.compile(r"[1-9]\d{7,14}")
_PHONE_DIGITS = re.compile(r"\d{6,15}")
_CYRILLIC = str.maketrans({"C": "С", "R": "Р"})  # how the seed prints recordTypes
DENIED = {"message": "Authorization has been denied for this request."}


class TrackerRmsSandbox:
    """Emulates evoapi*.tracker-rms.com. State survives `make_app()` calls; test controls are
    thread-safe (the app runs on the sandbox's own loop)."""

    def __init__(
        self,
        data: DemoData | None = None,
        *,
        client_id: str = "EvoApi_1.0",
        client_secret: str = "demo-client-secret",
        users: list[User] | None = None,
        api_keys: dict[str, str] | None = None,
        phone_format: PhoneFormat = "national",
        cyrillic_record_types: bool = False,
        access_ttl_s: float = 3600,
        refresh_ttl_s: float = 30 * 86400,
        oauth_user: str = RECRUITER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cyrillic_record_types = cyrillic_record_types  # the seed's look-alike letters
        self.users = {u.username: u for u in (users if users is not None else default_users())}
        self.api_keys = dict(api_keys) if api_keys is not None else {DEMO_API_KEY: ADMIN}
        self.store = Store(data if data is not None else load_demo(), phone_format)
        self.journal = Journal(extra_secret_keys={"code"})  # an authorisation code is a credential
        for secret in [*self.api_keys, *(u.password for u in self.users.values())]:
            self.journal.add_secret(secret)
        self.oauth = OAuthServer(self.journal, client_id=client_id, client_secret=client_secret, user=oauth_user,
                                 access_ttl_s=access_ttl_s, refresh_ttl_s=refresh_ttl_s, clock=clock)
        self.faults = Faults()
        self._lock = threading.Lock()
        self._create = Creator(self.store, self.users)
        self._pops: list[dict[str, str]] = []

    # --- test controls (any thread) ---------------------------------------------------------------

    def set_user_active(self, username: str, active: bool) -> None:
        with self._lock:
            self.users[username].active = active

    def deny_next_authorization(self) -> None:
        self.oauth.deny_next_authorization()

    def expire_access_tokens(self) -> None:
        self.oauth.expire_access_tokens()

    def revoke_all(self) -> None:
        self.oauth.revoke_all()

    def issue_tokens(self, username: str = RECRUITER) -> dict[str, Any]:
        """A token response, as if the browser sign-in had completed for `username`."""
        return self.oauth.issue(username)

    @property
    def refresh_count(self) -> int:
        return self.oauth.refresh_count

    def activities(self) -> list[dict[str, Any]]:
        """`activity` objects of accepted createActivity calls, exactly as sent, oldest first."""
        with self._lock:
            return copy.deepcopy(self._create.activities)

    def created(self) -> list[dict[str, Any]]:
        """{call, type, id, name, message, body} for each accepted create call, oldest first."""
        with self._lock:
            return copy.deepcopy(self._create.created)

    def screen_pops(self) -> list[dict[str, str]]:
        with self._lock:
            return list(self._pops)

    # --- app --------------------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=2 * MAX_RESUME_BYTES)  # base64 inflates a CV by a third
        instrument(app, self.journal, self.faults)
        mount_control(app, self.journal, self.faults)
        self.oauth.mount(app)
        app.router.add_post("/api/widget/{call}", self._widget)
        app.router.add_route("GET", "/api/telephone/inboundCall", self._inbound_call)
        app.router.add_route("POST", "/api/telephone/inboundCall", self._inbound_call)
        app.router.add_get("/web/{kind}/{record_id}", self._web_page)
        return app

    # --- the Widget API ---------------------------------------------------------------------------

    async def _widget(self, request: web.Request) -> web.StreamResponse:
        call = request.match_info["call"]
        model = m.CALLS.get(call)
        if model is None:
            return web.json_response({"message": f"No Widget API call named '{call}'."}, status=404)
        if request.content_type != "application/json":
            return web.json_response(
                {"message": f"The request entity's media type '{request.content_type}' is not supported."},
                status=415)
        try:
            payload = json.loads(await request.text())
        except (ValueError, UnicodeDecodeError):
            return status_reply(99, "Invalid request: the body is not valid JSON.")
        inner = payload.get("trackerrms") if isinstance(payload, dict) and len(payload) == 1 else None
        if not isinstance(inner, dict) or list(inner) != [call] or not isinstance(inner[call], dict):
            return status_reply(99, f'Invalid request: expected {{"trackerrms": {{"{call}": {{…}}}}}}.')
        try:
            parsed = model.model_validate(inner[call])
        except ValidationError as exc:
            return status_reply(99, "Invalid request: " + problems(exc))
        user = self._authenticate(request, parsed.credentials)
        if isinstance(user, web.StreamResponse):
            return user
        base = f"{request.scheme}://{request.host}"
        with self._lock:
            answer = self._handle(call, parsed, inner[call], user, base)
        return web.json_response(answer)

    def _authenticate(self, request: web.Request, creds: m.Credentials) -> str | web.StreamResponse:
        """The user a request acts as, or the answer refusing it. Exactly one method is allowed."""
        header = request.headers.get("Authorization")
        used = [name for name, present in (
            ("an Authorization header", header is not None),
            ("credentials.oauthtoken", creds.oauthtoken is not None),
            ("credentials.username/password", creds.username is not None or creds.password is not None),
            ("credentials.apikey", creds.apikey is not None),
        ) if present]
        if len(used) > 1:
            return status_reply(99, f"Invalid request: use only one authentication method (got {' and '.join(used)}).")
        if not used:
            return status_reply(99, "Invalid request: no credentials (send a Bearer header or a credentials block).")
        username: str | None
        if header is not None:
            username = self.oauth.bearer_user(header)
            if username is None:
                return web.json_response(DENIED, status=401, headers={"WWW-Authenticate": "Bearer"})
        elif creds.oauthtoken is not None:
            username = self.oauth.token_user(creds.oauthtoken)
        elif creds.apikey is not None:
            username = next((u for k, u in self.api_keys.items() if same(creds.apikey, k)), None)
        else:
            if not creds.username or not creds.password:
                return status_reply(99, "Invalid request: username and password must both be given.")
            user = self.users.get(creds.username)
            username = user.username if user is not None and same(creds.password, user.password) else None
        if username is None or username not in self.users:
            return status_reply(1, "user not found")
        if not self.users[username].active:
            return status_reply(2, "user not active")
        return username

    def _handle(self, call: str, parsed: m.Call, raw: dict[str, Any], user: str, base: str) -> dict[str, Any]:
        """Answer one authenticated call. Caller holds the lock."""
        match parsed:
            case m.CheckLogon():
                return ok()
            case m.CheckPerson():
                return self._check_person(parsed.details, base)
            case m.GetRecords():
                rows = self.store.query(parsed.instructions, user)
                return ok(count=len(rows), results=[row(base, r) for r in rows])
            case m.CreateContact():
                return self._create.contact(parsed, raw)
            case m.CreateResource():
                return self._create.resource(parsed, raw)
            case m.CreateResourceFromResume():
                return self._create.from_resume(parsed, raw)
            case m.CreateLead():
                return self._create.lead(parsed, raw)
            case m.CreateActivity():
                return self._create.activity(parsed.activity, raw["activity"])
        raise AssertionError(f"no handler for {call}")  # pragma: no cover

    def _check_person(self, details: m.PersonDetails, base: str) -> dict[str, Any]:
        if not (details.phone or details.email or details.linkedin):
            return body(99, "Invalid request: details needs an email, phone or linkedin.")
        if details.phone and not _PHONE_DIGITS.fullmatch(details.phone):
            return body(99, "Invalid request: details.phone must be digits only, e.g. 0491570006.")
        people = self.store.people_with(phone=details.phone, email=details.email, linkedin=details.linkedin)
        users = [u for u in self.users.values() if details.phone and u.phone
                 and re.sub(r"\D", "", self._stored(u.phone)) == details.phone]
        letters = "C" * any(p.letter == "N" for p in people) + "R" * any(p.letter == "R" for p in people)
        letters += "U" * bool(users)
        count = len(people) + len(users)
        if self.cyrillic_record_types:
            letters = letters.translate(_CYRILLIC)
        if not count:
            return ok(recordLink="", recordTypes="")
        if people:
            first = people[0]
            cell, phone = [*first.phones, "", ""][:2]  # demo people list their mobile first
            record = {"fullname": first.name, "jobtitle": first.job_title, "company": first.company,
                      "phone": phone, "cell": cell, "email": first.email, "linkedin": first.linkedin}
            record_link = link(base, first.letter, first.id)
        else:
            person = users[0]
            record = {"fullname": person.full_name, "jobtitle": "Recruiter", "company": "", "phone":
                      self._stored(person.phone), "cell": "", "email": person.username, "linkedin": ""}
            record_link = f"{base}/web/users/{person.user_id}"
        if count > 1:
            record_link = f"{base}/web/search/{details.phone or details.email or 'linkedin'}"
        return ok(count=count, recordLink=record_link, recordTypes=letters, firstRecord=record)

    def _stored(self, e164: str) -> str:
        return stored_phone(e164, self.store.phone_format)

    # --- the screen pop ---------------------------------------------------------------------------

    async def _inbound_call(self, request: web.Request) -> web.StreamResponse:
        header = request.headers.get("Authorization")
        if header is not None and self.oauth.bearer_user(header) is None:
            return web.json_response(DENIED, status=401, headers={"WWW-Authenticate": "Bearer"})
        query = request.query
        if any(len(query.getall(name)) > 1 for name in query):
            return status_reply(99, "Invalid request: a parameter was repeated.")
        for name in ("Source", "Destination"):
            if not _E164_DIGITS.fullmatch(query.get(name, "")):
                return status_reply(99, f"Invalid request: {name} must be a phone number in international format "
                                   "without '+', e.g. 61491570006.")
        source, destination = query["Source"], query["Destination"]
        with self._lock:
            user = next((u for u in self.users.values() if u.phone.lstrip("+") == destination), None)
            if user is None:
                return status_reply(1, "user not found")
            if not user.active:
                return status_reply(2, "user not active")
            self._pops.append({"source": source, "destination": destination, "user": user.username})
        return status_reply(0, "success")

    # --- record pages (where recordLink points) ----------------------------------------------------

    async def _web_page(self, request: web.Request) -> web.StreamResponse:
        kind, raw_id = request.match_info["kind"], request.match_info["record_id"]
        title = f"TrackerRMS {kind} {raw_id}"
        letter = {"clients": "C", "contacts": "N", "leads": "L", "opportunities": "O", "projects": "P",
                  "tickets": "T", "resources": "R", "placements": "X"}.get(kind)
        if letter is not None and raw_id.isdigit():
            with self._lock:
                record = self.store.get(letter, int(raw_id))
            if record is not None:
                title = f"{record.name} — {record.company}" if record.company else record.name
        page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
                f"<body><h1>{html.escape(title)}</h1><p>TrackerRMS emulator ({html.escape(kind)}).</p></body></html>")
        return web.Response(text=page, content_type="text/html")
