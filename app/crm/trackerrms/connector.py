"""TrackerRMS (Widget API v1.11): caller lookup, open jobs, call logging, its own screen pop, and
new records for unknown callers.

Each account authenticates exactly one way (`auth` in its settings): OAuth → `Authorization: Bearer`
and an empty credentials block; password → `credentials.username/password`; API key →
`credentials.apikey`. The password or API key is read from the keyring on every call, so a new one
is used without a restart. The wire format lives in `trackerrms_wire`; the transport is kept apart
from the mapping so a client for TrackerRMS's newer REST API could replace it.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path
from typing import Any, TypeVar

import httpx

from app.config.secret_names import API_KEY, PASSWORD
from app.core.models import CallEvent, Direction, EventType, Job, NoteDraft, Receipt, Record, RecordType
from app.core.phone import CallerNumber
from app.core.ports import Capabilities, ConnectorBase, CreatedRecord, FoundPerson, NewPerson, NewRecordKind
from app.crm._shared.http import Http
from app.crm._shared.oauth_tokens import OAuthClient, OAuthConfig
from app.crm.trackerrms import records as bodies
from app.crm.trackerrms import wire
from app.crm.trackerrms.settings import TrackerRmsAccount
from app.errors import ConnectorError, InvalidNumber, NeedsSignIn, Rejected, RingsideError, SecretStoreError
from app.storage.secrets import SecretStore

log = logging.getLogger(__name__)

A = TypeVar("A", bound=wire.Answer)

ID_CACHE_TTL_S = 600.0  # resolved ids; short, as records get merged and renamed
ID_CACHE_SIZE = 256
JOB_PAGE_SIZE = 100
JOB_PAGES = 5  # at most 500 open opportunities are scanned for a contact's company
NAMED_PAGE_SIZE = 25  # records of one type with a given name: the first page is enough to pick one
NOTIFY_TIMEOUT_S = 5.0


def oauth_config(account: TrackerRmsAccount) -> OAuthConfig:
    api = account.api_url.rstrip("/")
    return OAuthConfig(
        account_id=account.id,
        service=wire.SERVICE,
        client_id=account.client_id,
        authorize_url=f"{api}/oAuth2/Authorize",
        token_url=f"{api}/oAuth2/Token",
        scope=wire.SCOPE,
        use_pkce=account.pkce,  # the reference says nothing of PKCE [U]; switchable per account
        redirect_uri=account.redirect_uri,
        refresh_sends_redirect_uri=True,  # the Widget API's token call lists it for both grants
    )


def _read_resume(path: Path) -> bytes:
    if path.suffix.lower() not in bodies.RESUME_TYPES:
        raise Rejected(f"{path.name} is not a PDF or Word file; TrackerRMS can read CVs in PDF, DOC or DOCX.")
    try:
        if path.stat().st_size > bodies.MAX_RESUME_BYTES:
            raise Rejected(f"{path.name} is larger than {bodies.MAX_RESUME_BYTES // (1024 * 1024)} MB.")
        data = path.read_bytes()
    except OSError as exc:
        raise Rejected(f"Could not read {path.name}: {exc.strerror or exc.__class__.__name__}.") from None
    if not data:
        raise Rejected(f"{path.name} is empty.")
    return data


class TrackerRmsConnector(ConnectorBase):
    def __init__(
        self,
        account: TrackerRmsAccount,
        client: httpx.AsyncClient,
        secrets: SecretStore,
        *,
        oauth: OAuthClient | None = None,
        tz: tzinfo | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.account = account
        self.account_id = account.id
        self.label = account.display_name
        self.capabilities = Capabilities(
            lookup=True, open_jobs=True, log_call=True, notify=account.notify_inbound, create_record=True,
            sign_in=account.auth == "oauth", create_from_resume=True, resolve_ids=True,
            search_people=True,
        )
        self._secrets = secrets
        self._tz = tz  # the recruiter's time zone for activity dates; None = this computer's
        self._clock = clock
        self.oauth = (oauth or OAuthClient(oauth_config(account), client, secrets)) if account.auth == "oauth" else None
        headers = {"Accept": "application/json"}
        self._http = Http(client, service=wire.SERVICE, base_url=account.api_url, auth=self.oauth, headers=headers)
        # The screen pop runs beside the lookup; a short timeout of its own keeps stragglers few.
        self._pop = Http(client, service=wire.SERVICE, base_url=account.api_url, auth=self.oauth, headers=headers,
                         timeout=min(account.timeout_s, NOTIFY_TIMEOUT_S))
        self._ids: dict[str, tuple[str, float]] = {}
        self._names: dict[str, str] | None = None  # getSettingsData's naming conventions, once read

    # -- credentials -----------------------------------------------------------------------------

    def _credentials(self) -> dict[str, str]:
        if self.account.auth == "password":
            if not self.account.username:
                raise NeedsSignIn(f"TrackerRMS account '{self.account_id}' signs in with a password but has no "
                                  "username (the user's e-mail address). Add it in Settings.")
            return {"username": self.account.username, "password": self._secret(PASSWORD, "password")}
        if self.account.auth == "apikey":
            return {"apikey": self._secret(API_KEY, "API key")}
        return {}  # OAuth: the Bearer header only, never a second method in the body

    def _quiet_credentials(self) -> dict[str, str]:
        try:
            return self._credentials()
        except RingsideError:
            return {}

    def _secret(self, name: str, what: str) -> str:
        try:
            value = self._secrets.get(self.account_id, name)
        except SecretStoreError as exc:
            raise ConnectorError(str(exc)) from None
        if not value:
            # `ringside account connect` (or Settings) checks it with checkLogon, then keeps it.
            raise NeedsSignIn(f"No TrackerRMS {what} is stored for account '{self.account_id}'. Enter it in "
                              f"Settings or run `ringside account connect {self.account_id}`.")
        return value

    def _who(self) -> str:
        if self.account.auth == "password":
            return f"user '{self.account.username}'"
        if self.account.auth == "apikey":
            return "the user of this account's API key"
        return "the signed-in user"

    # -- one widget call -------------------------------------------------------------------------

    async def _call(self, call: str, shape: type[A], what: str, subject: str = "This record",
                    **sections: Any) -> A:
        """Send one call; `what` names the expected answer, `subject` the record (for status 3)."""
        credentials = self._credentials()
        secrets = list(credentials.values())
        try:
            body = wire.envelope(call, credentials, sections)
            response = await self._http.send("POST", f"/api/widget/{call}", json=body)
        except Rejected as exc:
            # An error page may echo the request; what we sent in the body never reaches a card.
            raise Rejected(wire.scrub(str(exc), secrets), exc.status) from None
        answer = self._http.decode(response)
        status = self._http.parse(answer, wire.Answer, "a Widget API answer with a status")
        wire.check_status(status, who=self._who(), what=subject, secrets=secrets)
        return self._http.parse(answer, shape, what)

    async def check_logon(self) -> str:
        """Verify the account's credentials ("Test connection"). Returns what worked, in words."""
        await self._call("checkLogon", wire.Answer, "a logon check")
        how = {"oauth": "signed in", "password": f"as {self.account.username}", "apikey": "with the API key"}
        detail = f"Connected to TrackerRMS {how[self.account.auth]}."
        if self.account.auth == "apikey" and self.account.user_id is None:
            detail += " Calls act as the system administrator: set the user id to log calls as yourself."
        return detail

    async def naming(self) -> dict[str, str]:
        """This installation's record-type names (getSettingsData), read once. Empty when the user may
        not read them or the call fails: the typed labels stand in."""
        if self._names is None:
            try:
                answer = await self._call("getSettingsData", wire.SettingsAnswer, "the settings data")
                self._names = answer.names()
            except RingsideError as exc:
                log.info("%s: no settings data (%s); using the typed labels", self.account_id, exc)
                self._names = {}
        return self._names

    async def warm_up(self) -> None:
        """Before the first ring: read the naming conventions, so the first card uses them."""
        if self.account.settings_data:
            await self.naming()

    # -- lookup and jobs -------------------------------------------------------------------------

    async def lookup(self, caller: CallerNumber) -> list[Record]:
        try:
            phone = wire.lookup_phone(caller, self.account.phone_format)
        except InvalidNumber as exc:
            raise Rejected(str(exc)) from None
        answer = await self._call("checkPerson", wire.PersonAnswer, "the records matching a number",
                                  details={"phone": phone})
        return wire.to_records(self.account, answer, self._names)

    async def open_jobs(self, record: Record) -> list[Job]:
        """Open opportunities at a contact's company. getRecords' searchtext matches opportunity
        names only, so the company is matched here, page by page."""
        if record.type is not RecordType.CONTACT or not record.company.strip():
            return []
        jobs: list[Job] = []
        for page in range(JOB_PAGES):  # pages count from 0
            rows = await self._records("O", state="open", numrecords=JOB_PAGE_SIZE, pagenum=page)
            jobs.extend(wire.to_job(r, self.account.web_url) for r in rows if wire.same_company(r, record.company))
            if len(rows) < JOB_PAGE_SIZE:
                break
        return jobs

    async def _records(self, record_type: str, **instructions: Any) -> list[wire.RecordRow]:
        instructions = {"recordtype": record_type, "onlymyrecords": False, **instructions}
        answer = await self._call("getRecords", wire.RecordsAnswer, "a list of records", instructions=instructions)
        return answer.results

    async def _named(self, letter: str, text: str) -> list[wire.RecordRow]:
        """Records of one type whose name holds `text`: getRecords' first page (pages count from 0)."""
        return await self._records(letter, searchtext=text, numrecords=NAMED_PAGE_SIZE, pagenum=0)

    async def search_people(self, text: str) -> list[FoundPerson]:
        """Contacts and candidates by name (the Dial window), each with its first number."""
        found: list[FoundPerson] = []
        for letter, key in (("N", "contact"), ("R", "resource")):
            rows = await self._named(letter, text.strip())
            people = (wire.to_found(self.account_id, row, self.label_for(key)) for row in rows)
            found.extend(p for p in people if p is not None)
        return found

    # -- ids ---------------------------------------------------------------------------------------

    async def resolve(self, record: Record) -> Record:
        """`record` with its TrackerRMS id (checkPerson gives none): looked up with getRecords by full
        name and cached for a while. Raises RecordNotResolved when no single record has that name."""
        if record.id:
            return record
        letter = wire.LINK_TYPES.get(record.type)
        if letter is None:
            raise Rejected(f"TrackerRMS logs calls against contacts and candidates, not a {record.type.value}.")
        key = f"{letter}:{record.name.casefold()}:{record.company.casefold()}"
        cached = self._ids.get(key)
        if cached is not None and self._clock() - cached[1] < ID_CACHE_TTL_S:
            return record.model_copy(update={"id": cached[0]})
        rows = await self._named(letter, record.name)
        found = wire.pick_id(rows, record)
        if found is None:
            hits = sum(1 for r in rows if wire.folded(r.name) == wire.folded(record.name))
            many = "none" if hits == 0 else str(hits)
            raise wire.RecordNotResolved(
                f"TrackerRMS has no single {self._kind(record)} named {record.name} (it found {many}) "
                "— pick or create the record.", hits)
        if len(self._ids) >= ID_CACHE_SIZE:
            self._ids.pop(next(iter(self._ids)))
        self._ids[key] = (found, self._clock())
        return record.model_copy(update={"id": found})

    # -- logging -------------------------------------------------------------------------------------

    async def log_call(self, note: NoteDraft) -> Receipt:
        record = await self.resolve(note.record)
        assert record.id is not None
        activity = wire.activity_body(note, wire.LINK_TYPES[record.type], record.id, self._tz, self.account.user_id)
        answer = await self._call("createActivity", wire.CreatedAnswer, "a created activity", instructions={},
                                  activity=activity)
        remote = str(answer.record_id) if answer.record_id not in (None, "", 0) else None
        return Receipt(account_id=self.account_id, remote_id=remote, detail=f"Logged in {self.label}")

    # -- TrackerRMS's own screen pop -------------------------------------------------------------------

    async def notify(self, event: CallEvent) -> None:
        """On an inbound ring, ask TrackerRMS to pop its own card (`notify_inbound`). Never raises for
        a CRM problem: the pop is a courtesy, and Ringside's card does not wait for it."""
        if not self.account.notify_inbound or event.type is not EventType.RING:
            return
        if event.direction is not Direction.INBOUND:
            return
        caller = event.number
        if not caller.is_number:
            return
        try:
            destination = wire.destination_digits(self.account.destination, caller)
            if self.account.auth == "oauth":
                # The GET form carries only the Bearer header (a password or API key is never put in a URL).
                params = {"Source": caller.digits, "Destination": destination}
                response = await self._pop.send("GET", "/api/telephone/inboundCall", params=params)
            else:
                # Password and API-key accounts: the POST form, with the account's own credentials.
                sections = wire.inbound_call_sections(caller, destination)
                body = wire.envelope("inboundCall", self._credentials(), sections)
                response = await self._pop.send("POST", "/api/widget/inboundCall", json=body)
            answer = self._pop.parse(self._pop.decode(response), wire.Answer, "a Widget API answer")
            wire.check_status(answer, who=f"the number {self.account.destination}", what="The call")
        except InvalidNumber:
            log.warning("%s: screen pop skipped: destination %r is not a phone number", self.account_id,
                        self.account.destination)
        except RingsideError as exc:
            secrets = [v for v in (self._quiet_credentials()).values()]
            log.warning("%s: TrackerRMS screen pop failed: %s", self.account_id, wire.scrub(str(exc), secrets))

    # -- new records ----------------------------------------------------------------------------------

    async def create_contact(self, person: NewPerson) -> CreatedRecord:
        sections = bodies.contact_sections(person, self.account.phone_format)
        return await self._create("createContact", NewRecordKind.CONTACT, person.full_name, "contact", sections)

    async def create_candidate(self, person: NewPerson) -> CreatedRecord:
        sections = bodies.resource_sections(person, self.account.phone_format)
        return await self._create("createResource", NewRecordKind.CANDIDATE, person.full_name, "resource", sections)

    async def create_lead(self, person: NewPerson) -> CreatedRecord:
        sections = bodies.lead_sections(person, self.account.phone_format)
        return await self._create("createLead", NewRecordKind.LEAD, person.full_name, "lead", sections)

    async def create_candidate_from_resume(self, path: Path, person: NewPerson | None = None) -> CreatedRecord:
        """A candidate from a CV file (PDF, DOC or DOCX); TrackerRMS reads the details from it."""
        # Off the event loop: a CV on a slow network drive must not freeze the card.
        data = await asyncio.to_thread(_read_resume, path)
        sections = bodies.resume_sections(path.name, base64.b64encode(data).decode("ascii"), person)
        name = person.full_name if person is not None else path.stem
        return await self._create("createResourceFromResume", NewRecordKind.CANDIDATE, name, "resource", sections)

    async def create_record(self, kind: NewRecordKind, person: NewPerson) -> CreatedRecord:
        make = {NewRecordKind.CONTACT: self.create_contact, NewRecordKind.CANDIDATE: self.create_candidate,
                NewRecordKind.LEAD: self.create_lead}[kind]
        return await make(person)

    async def create_from_resume(self, path: Path, person: NewPerson | None = None) -> CreatedRecord:
        return await self.create_candidate_from_resume(path, person)

    async def _create(self, call: str, kind: NewRecordKind, name: str, label_key: str,
                      sections: dict[str, Any]) -> CreatedRecord:
        what = f"{name} ({self.label_for(label_key).lower()})"
        answer = await self._call(call, wire.CreatedAnswer, "a created record", subject=what, **sections)
        self._ids.clear()  # a new record can make a name ambiguous, or resolvable
        record_id = str(answer.record_id) if answer.record_id not in (None, "", 0) else None
        verb = (answer.message or "created").strip().lower()
        verb = verb if verb in {"created", "updated"} else "created"
        return CreatedRecord(account_id=self.account_id, kind=kind, id=record_id,
                             name=(answer.record_name or "").strip() or name,
                             detail=f"{verb.capitalize()} in {self.label}")

    def _kind(self, record: Record) -> str:
        """The record's type as this installation names it, in lower case ("candidate")."""
        key = "contact" if record.type is RecordType.CONTACT else "resource"
        return self.label_for(key).lower()

    def label_for(self, key: str) -> str:
        """This installation's name for a record type: "resource" → "Candidate", "opportunity" → "Job"."""
        return wire.label(self.account, key, self._names)

    async def aclose(self) -> None:
        """Nothing of our own to close: whoever made the injected client closes it."""
