"""TrackerRMS emulator: OAuth2 (/oAuth2/Authorize, /oAuth2/Token), the Widget API
(`POST /api/widget/<call>` with the `{"trackerrms": {"<call>": {...}}}` envelope) and the screen pop
(`GET|POST /api/telephone/inboundCall`), served from the shared demo data.

At least as strict as the contract (../shared/docs/api-contracts.md, seed 001): exactly one auth
method per request (Bearer header, or `credentials.oauthtoken`, or username + password, or apikey);
application errors come back as HTTP 200 with `status` 1 (user not found), 2 (user not active),
3 (record found and cannot be overwritten) or 99 (invalid request, with the reason); an invalid or
expired Bearer token is HTTP 401, so clients refresh. Request sections are validated strictly
(trackerrms_models.py); records live in trackerrms_store.py, OAuth in trackerrms_oauth.py.
"""

from __future__ import annotations

import base64
import binascii
import copy
import html
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from app.sandbox.control import mount_control
from app.sandbox.demo_data import DemoData, load_demo
from app.sandbox.faults import Faults, instrument
from app.sandbox.journal import Journal
from app.sandbox.oauth_tokens import same
from app.sandbox.trackerrms import models as m
from app.sandbox.trackerrms.oauth import OAuthServer
from app.sandbox.trackerrms.store import (
    ADMIN,
    RECRUITER,
    PhoneFormat,
    Rec,
    Store,
    User,
    default_users,
    link,
    row,
    stored_phone,
)

DEMO_API_KEY = "knREmvtzyRfBMfep2mvn"  # the seed's sample key; the emulator's, not a real one
MAX_RESUME_BYTES = 10 * 1024 * 1024
_E164_DIGITS = re.compile(r"[1-9]\d{7,14}")
_PHONE_DIGITS = re.compile(r"\d{6,15}")
_MAGIC = {".pdf": (b"%PDF-",), ".docx": (b"PK\x03\x04",), ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)}
_CYRILLIC = str.maketrans({"C": "С", "R": "Р"})  # how the seed prints recordTypes
_TYPE_NAMES = {"C": "client", "N": "contact", "L": "lead", "O": "opportunity", "P": "project", "T": "ticket",
               "R": "resource", "X": "placement"}
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
        self._activities: list[dict[str, Any]] = []
        self._created: list[dict[str, Any]] = []
        self._pops: list[dict[str, str]] = []
        self._activity_ids = itertools.count(90001)

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
            return copy.deepcopy(self._activities)

    def created(self) -> list[dict[str, Any]]:
        """{call, type, id, name, message, body} for each accepted create call, oldest first."""
        with self._lock:
            return copy.deepcopy(self._created)

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
            return _status(99, "Invalid request: the body is not valid JSON.")
        inner = payload.get("trackerrms") if isinstance(payload, dict) and len(payload) == 1 else None
        if not isinstance(inner, dict) or list(inner) != [call] or not isinstance(inner[call], dict):
            return _status(99, f'Invalid request: expected {{"trackerrms": {{"{call}": {{…}}}}}}.')
        try:
            parsed = model.model_validate(inner[call])
        except ValidationError as exc:
            return _status(99, "Invalid request: " + _problems(exc))
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
            return _status(99, f"Invalid request: use only one authentication method (got {' and '.join(used)}).")
        if not used:
            return _status(99, "Invalid request: no credentials (send a Bearer header or a credentials block).")
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
                return _status(99, "Invalid request: username and password must both be given.")
            user = self.users.get(creds.username)
            username = user.username if user is not None and same(creds.password, user.password) else None
        if username is None or username not in self.users:
            return _status(1, "user not found")
        if not self.users[username].active:
            return _status(2, "user not active")
        return username

    def _handle(self, call: str, parsed: m.Call, raw: dict[str, Any], user: str, base: str) -> dict[str, Any]:
        """Answer one authenticated call. Caller holds the lock."""
        match parsed:
            case m.CheckLogon():
                return _ok()
            case m.CheckPerson():
                return self._check_person(parsed.details, base)
            case m.GetRecords():
                rows = self.store.query(parsed.instructions, user)
                return _ok(count=len(rows), results=[row(base, r) for r in rows])
            case m.CreateContact():
                return self._create_contact(parsed, raw)
            case m.CreateResource():
                return self._create_resource(parsed, raw)
            case m.CreateResourceFromResume():
                return self._create_from_resume(parsed, raw)
            case m.CreateLead():
                return self._create_lead(parsed, raw)
            case m.CreateActivity():
                return self._create_activity(parsed.activity, raw["activity"])
        raise AssertionError(f"no handler for {call}")  # pragma: no cover

    def _check_person(self, details: m.PersonDetails, base: str) -> dict[str, Any]:
        if not (details.phone or details.email or details.linkedin):
            return _body(99, "Invalid request: details needs an email, phone or linkedin.")
        if details.phone and not _PHONE_DIGITS.fullmatch(details.phone):
            return _body(99, "Invalid request: details.phone must be digits only, e.g. 0491570006.")
        people = self.store.people_with(phone=details.phone, email=details.email, linkedin=details.linkedin)
        users = [u for u in self.users.values() if details.phone and u.phone
                 and re.sub(r"\D", "", self._stored(u.phone)) == details.phone]
        letters = "C" * any(p.letter == "N" for p in people) + "R" * any(p.letter == "R" for p in people)
        letters += "U" * bool(users)
        count = len(people) + len(users)
        if self.cyrillic_record_types:
            letters = letters.translate(_CYRILLIC)
        if not count:
            return _ok(recordLink="", recordTypes="")
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
        return _ok(count=count, recordLink=record_link, recordTypes=letters, firstRecord=record)

    def _stored(self, e164: str) -> str:
        return stored_phone(e164, self.store.phone_format)

    # --- creating ---------------------------------------------------------------------------------

    def _create_contact(self, parsed: m.CreateContact, raw: dict[str, Any]) -> dict[str, Any]:
        contact, how = parsed.contact, parsed.instructions
        if not contact.name:
            return _body(99, "Invalid request: the contact needs a firstname and lastname (or fullname).")
        if contact.company and not self.store.has_company(contact.company):
            if not how.createcompanyifnotexists:
                return _body(99, f"Invalid request: there is no company named '{contact.company}'.")
            self.store.add("C", contact.company, contact.company)
        phones = [p for p in (contact.cellphone, contact.businessphone, contact.homephone) if p]
        return self._save_person("createContact", "N", contact, phones, how.overwritecontact, raw)

    def _create_resource(self, parsed: m.CreateResource, raw: dict[str, Any]) -> dict[str, Any]:
        resource, how = parsed.resource, parsed.instructions
        if not resource.name:
            return _body(99, "Invalid request: the resource needs a firstname and lastname (or fullname).")
        problem = self._assignment_problem(how)
        if problem:
            return _body(99, problem)
        phones = [p for p in (resource.cellphone, resource.workphone, resource.homephone) if p]
        return self._save_person("createResource", "R", resource, phones, how.overwriteresource, raw)

    def _create_from_resume(self, parsed: m.CreateResourceFromResume, raw: dict[str, Any]) -> dict[str, Any]:
        resource, how = parsed.resource, parsed.instructions
        filename = PureWindowsPath(PurePosixPath(resource.filename).name).name
        suffix = PurePosixPath(filename.lower()).suffix
        if suffix not in _MAGIC:
            return _body(99, "Invalid request: filename must end in .pdf, .doc or .docx.")
        try:
            blob = base64.b64decode(resource.data, validate=True)
        except (binascii.Error, ValueError):
            return _body(99, "Invalid request: data is not Base64.")
        if not blob or len(blob) > MAX_RESUME_BYTES:
            return _body(99, "Invalid request: the resume is empty or larger than 10 MB.")
        if not blob.startswith(_MAGIC[suffix]):
            return _body(99, f"Invalid request: {filename} is not a {suffix[1:].upper()} file.")
        problem = self._assignment_problem(how)
        if problem:
            return _body(99, problem)
        name = " ".join(f"{resource.firstname} {resource.lastname}".split()) or " ".join(resource.fullname.split())
        name = name or _name_from_filename(filename)
        if not name:
            return _body(99, "Invalid request: no name could be read from the resume; send firstname and lastname.")
        person = m.ResourceIn(fullname=name, jobtitle=resource.jobtitle, email=resource.email,
                              note=resource.note, source=resource.source)
        return self._save_person("createResourceFromResume", "R", person, [], how.overwriteresource, raw,
                                 details={"resume": filename})

    def _assignment_problem(self, how: m.ResourceInstructions) -> str | None:
        job = how.assigntoopportunity
        if job is not None and self.store.get("O", job) is None:
            return f"Invalid request: there is no opportunity with id {job}."
        return None

    def _save_person(self, call: str, letter: str, person: m.ContactIn | m.ResourceIn, phones: list[str],
                     overwrite: bool, raw: dict[str, Any], details: dict[str, Any] | None = None) -> dict[str, Any]:
        existing = self.store.same_person(letter, person.name, person.company, person.email)
        if existing is not None and not overwrite:
            return _body(3, "record found and cannot be overwritten")
        fields: dict[str, Any] = {"job_title": person.jobtitle, "email": person.email,
                                  "linkedin": person.linkedin, "phones": phones, "details": details or {}}
        if existing is not None:
            for key, value in fields.items():
                if value:
                    setattr(existing, key, value)
            record, message = existing, "updated"
        else:
            record, message = self.store.add(letter, person.name, person.company, **fields), "created"
        return self._created_answer(call, record, message, raw)

    def _create_lead(self, parsed: m.CreateLead, raw: dict[str, Any]) -> dict[str, Any]:
        lead, how = parsed.lead, parsed.instructions
        known = self.store.same_person(lead.leadpersontype, lead.name, lead.company, lead.email)
        if how.createpersonifnotexists and lead.name and known is None:
            phones = [p for p in (lead.cellphone, lead.businessphone, lead.homephone) if p]
            self.store.add(lead.leadpersontype, lead.name, lead.company, job_title=lead.jobtitle,
                           email=lead.email, phones=phones)
        record = self.store.add("L", lead.leadname, lead.company, status="Open",
                                details={"source": lead.source, "person": lead.name,
                                         "persontype": lead.leadpersontype})
        return self._created_answer("createLead", record, "created", raw)

    def _created_answer(self, call: str, record: Rec, message: str, raw: dict[str, Any]) -> dict[str, Any]:
        body = {k: v for k, v in raw.items() if k != "credentials"}
        self._created.append({"call": call, "type": record.letter, "id": record.id, "name": record.name,
                              "message": message, "body": copy.deepcopy(body)})
        return _body(0, message, count=1, recordId=record.id, recordName=record.name)

    def _create_activity(self, activity: m.ActivityIn, raw: dict[str, Any]) -> dict[str, Any]:
        if self.store.get(activity.linkRecordType, activity.linkRecordId) is None:
            kind = _TYPE_NAMES[activity.linkRecordType]
            return _body(99, f"Invalid request: there is no {kind} with id {activity.linkRecordId}.")
        if activity.type == "Telephone" and activity.contactType is None:
            return _body(99, "Invalid request: a Telephone activity needs contactType Inbound or Outbound.")
        if activity.userId is not None and all(u.user_id != activity.userId for u in self.users.values()):
            return _body(99, f"Invalid request: there is no user with id {activity.userId}.")
        activity_id = next(self._activity_ids)
        self._activities.append(copy.deepcopy(raw))
        return _body(0, "created", count=1, recordId=activity_id)

    # --- the screen pop ---------------------------------------------------------------------------

    async def _inbound_call(self, request: web.Request) -> web.StreamResponse:
        header = request.headers.get("Authorization")
        if header is not None and self.oauth.bearer_user(header) is None:
            return web.json_response(DENIED, status=401, headers={"WWW-Authenticate": "Bearer"})
        query = request.query
        if any(len(query.getall(name)) > 1 for name in query):
            return _status(99, "Invalid request: a parameter was repeated.")
        for name in ("Source", "Destination"):
            if not _E164_DIGITS.fullmatch(query.get(name, "")):
                return _status(99, f"Invalid request: {name} must be a phone number in international format "
                                   "without '+', e.g. 61491570006.")
        source, destination = query["Source"], query["Destination"]
        with self._lock:
            user = next((u for u in self.users.values() if u.phone.lstrip("+") == destination), None)
            if user is None:
                return _status(1, "user not found")
            if not user.active:
                return _status(2, "user not active")
            self._pops.append({"source": source, "destination": destination, "user": user.username})
        return _status(0, "success")

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


# --- helpers ----------------------------------------------------------------------------------------


def _body(status: int, message: str, *, count: int = 0, **extra: Any) -> dict[str, Any]:
    return {"status": status, "message": message, "count": count, **extra}


def _ok(count: int = 0, **extra: Any) -> dict[str, Any]:
    return _body(0, "success", count=count, **extra)


def _status(status: int, message: str) -> web.StreamResponse:
    # Application errors come with HTTP 200 and the status in the body [U].
    return web.json_response(_body(status, message))


def _problems(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False)[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "body"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts) + "."


def _name_from_filename(filename: str) -> str:
    stem = PurePosixPath(filename).stem
    words = [w for w in re.split(r"[\s_\-.]+", stem) if w and w.lower() not in {"resume", "cv", "curriculum",
                                                                               "vitae"} and not w.isdigit()]
    return " ".join(w.capitalize() if w.islower() else w for w in words)
