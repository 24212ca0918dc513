"""TrackerRMS Widget API v1.11: the wire format, mapped without a server (unit-tested on its own).

Every call is `POST {api}/api/widget/<call>` with the envelope
`{"trackerrms": {"<call>": {"credentials": {...}, <sections>}}}`; every answer carries
`{"status", "message", "count", ...}` with HTTP 200 even for errors [U], so the status is checked
before anything else is read. Contract: ../shared/docs/api-contracts.md and seed 001.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Literal
from urllib.parse import quote

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from app.core.models import Direction, Job, NoteDraft, Record, RecordType
from app.core.phone import CallerNumber, normalise
from app.core.ports import FoundPerson
from app.crm.trackerrms.settings import TrackerRmsAccount
from app.errors import AlreadyExists, BadResponse, InvalidNumber, NeedsSignIn, NotResolved, Rejected

SERVICE = "TrackerRMS"
SCOPE = "read,write"

OK, USER_NOT_FOUND, USER_NOT_ACTIVE, EXISTS, INVALID = 0, 1, 2, 3, 99

PhoneFormat = Literal["national", "e164"]
AuthKind = Literal["oauth", "password", "apikey"]


# TrackerRMS's names for the core's generic errors.
RecordNotResolved = NotResolved
ExistsAlready = AlreadyExists


# -- record types ------------------------------------------------------------------------------------

# The seed prints some letters in Cyrillic (С, Р, Т) and Opportunities as a zero; accept look-alikes.
_LOOKALIKES = str.maketrans({"С": "C", "с": "C", "Р": "R", "р": "R", "Т": "T", "т": "T", "О": "O", "о": "O",
                             "Н": "N", "Х": "X", "х": "X", "0": "O"})
# checkPerson's recordTypes: C contacts, R resources (candidates), U users. Label keys follow
# TrackerRMS's own naming conventions (client, contact, opportunity, resource, …).
_FOUND_TYPES: dict[str, tuple[RecordType, str]] = {
    "C": (RecordType.CONTACT, "contact"),
    "R": (RecordType.CANDIDATE, "resource"),
    "U": (RecordType.USER, "user"),
}
# getRecords / createActivity letters for the records a call can be logged against.
LINK_TYPES: dict[RecordType, str] = {RecordType.CONTACT: "N", RecordType.CANDIDATE: "R"}
_DEFAULT_LABELS = {"contact": "Contact", "resource": "Candidate", "user": "User", "opportunity": "Job",
                   "lead": "Lead", "client": "Client"}


def type_letters(text: str | None) -> list[str]:
    """'CRU' (or the seed's Cyrillic 'СР') → ['C', 'R', 'U'], unknown letters kept, repeats dropped."""
    letters: list[str] = []
    for char in (text or "").translate(_LOOKALIKES).upper():
        if char.isalpha() and char not in letters:
            letters.append(char)
    return letters


Names = Mapping[str, str]  # getSettingsData's namingConventions: "resource" → "Candidate"


def label(account: TrackerRmsAccount, key: str, named: Names | None = None) -> str:
    """What this TrackerRMS installation calls a record type ("resource" → "Candidate"): its own
    naming conventions where TrackerRMS told us them, else the account's typed labels."""
    found = _named(named, key) or _typed(account, key)
    return found or _DEFAULT_LABELS.get(key, key.capitalize())


def _type_label(account: TrackerRmsAccount, key: str, named: Names | None = None) -> str:
    # Blank when the installation's name is Ringside's own word, so the card shows Ringside's words
    # by default; the typed labels stand in only where TrackerRMS named nothing (as `label` does).
    own = _named(named, key)
    if own:
        return own if own.casefold() != _DEFAULT_LABELS.get(key, "").casefold() else ""
    return _typed(account, key)


def _named(named: Names | None, key: str) -> str:
    value = (named or {}).get(key)
    return value.strip() if isinstance(value, str) else ""


def _typed(account: TrackerRmsAccount, key: str) -> str:
    custom = {k.lower(): v.strip() for k, v in account.labels.items()}
    return custom.get(key, "")



# -- phones ------------------------------------------------------------------------------------------


def lookup_phone(caller: CallerNumber, phone_format: PhoneFormat) -> str:
    """The number as checkPerson should see it: national digits ("0491570006", how TrackerRMS
    installations usually store them) or E.164 digits without '+' ("61491570006").
    Raises InvalidNumber for a caller with no number."""
    if not caller.is_number:
        raise InvalidNumber(f"{caller.display()} has no number to look up.")
    return caller.national_digits if phone_format == "national" else caller.digits


def stored_phone(e164: str, phone_format: PhoneFormat) -> str:
    """The number as a new record should hold it, formatted for people ("0491 570 006")."""
    phone = normalise(e164, None)
    return phone.display(phone.region) if phone_format == "national" else phone.display(None)


# -- the envelope and its answers -------------------------------------------------------------------


def envelope(call: str, credentials: Mapping[str, str], sections: Mapping[str, Any]) -> dict[str, Any]:
    return {"trackerrms": {call: {"credentials": dict(credentials), **sections}}}


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class Answer(_Model):
    status: int
    message: str | None = None
    count: int | None = None


class FirstRecord(_Model):
    fullname: str | None = Field(None, validation_alias=AliasChoices("fullname", "fullName", "FullName"))
    jobtitle: str | None = Field(None, validation_alias=AliasChoices("jobtitle", "jobTitle", "JobTitle"))
    company: str | None = None


class PersonAnswer(Answer):
    record_link: str | None = Field(None, validation_alias=AliasChoices("recordLink", "recordlink", "RecordLink"))
    record_types: str | None = Field(None, validation_alias=AliasChoices("recordTypes", "recordtypes"))
    first_record: FirstRecord | None = Field(None, validation_alias=AliasChoices("firstRecord", "firstrecord"))


class RecordRow(_Model):
    id: int | str
    name: str | None = None
    company: str | None = None
    status: str | None = None
    date_opened: str | None = Field(None, validation_alias=AliasChoices("dateopened", "dateOpened", "DateOpened"))
    # "An array of supporting data" (academy, getRecords); anything else is read as no details.
    # Rows carry no link of their own: links are built from the account's web host.
    details: Any = None


class SettingsAnswer(Answer):
    """getSettingsData: only the naming conventions are used."""

    naming: dict[str, Any] = Field(default_factory=dict, validation_alias=AliasChoices(
        "namingConventions", "namingconventions"))

    def names(self) -> dict[str, str]:
        return {str(k).lower(): v.strip() for k, v in self.naming.items() if isinstance(v, str) and v.strip()}


class RecordsAnswer(Answer):
    results: list[RecordRow] = Field(default_factory=list)


class CreatedAnswer(Answer):
    record_id: int | str | None = Field(None, validation_alias=AliasChoices("recordId", "recordid", "RecordId"))
    record_name: str | None = Field(None, validation_alias=AliasChoices("recordName", "recordname"))


def check_status(answer: Answer, *, who: str, what: str, secrets: Collection[str] = ()) -> None:
    """Raise the typed error for a non-zero status. `who` names the user for statuses 1 and 2
    ("user 'jane@agency.com'", "this account's API key"); `what` the record for status 3."""
    if answer.status == OK:
        return
    reason = scrub(" ".join((answer.message or "").split())[:200], secrets)
    if answer.status == USER_NOT_FOUND:
        raise NeedsSignIn(f"TrackerRMS doesn't know {who}. Check the account's settings and sign-in, "
                          "then test the connection.")
    if answer.status == USER_NOT_ACTIVE:
        raise NeedsSignIn(f"TrackerRMS says {who} is not active. Ask your TrackerRMS administrator "
                          "to reactivate it.")
    if answer.status == EXISTS:
        raise ExistsAlready(f"{what} is already in TrackerRMS, and TrackerRMS won't overwrite it. "
                            "Open the existing record instead.")
    if answer.status == INVALID:
        raise Rejected("TrackerRMS refused the request as invalid" + (f": {reason}" if reason else "."))
    raise BadResponse(f"TrackerRMS answered with an unknown status {answer.status}"
                      + (f": {reason}" if reason else "."))


def scrub(text: str, secrets: Collection[str]) -> str:
    """`text` with every secret in it replaced (an error page may echo what we sent)."""
    for secret in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "…")
    return text


# -- lookup ------------------------------------------------------------------------------------------


def to_records(account: TrackerRmsAccount, answer: PersonAnswer, named: Names | None = None) -> list[Record]:
    """One record per type letter found. checkPerson describes only its first match and gives no id,
    so every record carries `firstRecord`'s details and id None (resolved later, when needed)."""
    first = answer.first_record
    letters = [letter for letter in type_letters(answer.record_types) if letter in _FOUND_TYPES]
    if first is None or not letters:
        return []
    # More matches than types (a shared office line): only the first is described, so its badge says
    # so and the link (TrackerRMS's own results) shows the rest.
    more = (answer.count or 0) > len(letters)
    records = []
    for index, letter in enumerate(letters):
        record_type, key = _FOUND_TYPES[letter]
        type_label = _type_label(account, key, named)
        if more and index == 0:
            type_label = f"{type_label or label(account, key, named)} · 1 of {answer.count}"
        records.append(Record(
            account_id=account.id,
            type=record_type,
            id=None,
            name=(first.fullname or "").strip() or "(no name)",
            job_title=(first.jobtitle or "").strip(),
            company=(first.company or "").strip(),
            link=(answer.record_link or "").strip() or None,
            type_label=type_label,
            one_of=(answer.count or 0) if more else 0,
        ))
    return records


def pick_id(rows: list[RecordRow], record: Record) -> str | None:
    """The id of the one row that is `record` (same name; same company breaks a tie), else None."""
    name = folded(record.name)
    same_name = [r for r in rows if folded(r.name) == name]
    if len(same_name) > 1 and record.company:
        same_company = [r for r in same_name if folded(r.company) == folded(record.company)]
        same_name = same_company or same_name
    return str(same_name[0].id) if len(same_name) == 1 else None


def same_company(row: RecordRow, company: str) -> bool:
    return bool(company.strip()) and folded(row.company) == folded(company)


def folded(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


_WEB_PATHS = {"C": "clients", "N": "contacts", "L": "leads", "O": "opportunities", "P": "projects",
              "T": "tickets", "R": "resources", "X": "placements"}


def record_link(web_url: str, letter: str, record_id: int | str) -> str | None:
    """A record's page in the TrackerRMS web app, from the account's web host. The path is not
    published [U]; None without a web host."""
    web = web_url.strip().rstrip("/")
    path = _WEB_PATHS.get(letter)
    if not web or path is None:
        return None
    return f"{web}/web/{path}/{quote(str(record_id), safe='')}"


def detail_values(details: Any) -> dict[str, str]:
    """`details` as {name: value}, names folded ("work type" → "worktype"). The entries' shape is not
    published [U]: {recordName, recordValue} (as getIndividualRecord's summaries) and {name, value}
    pairs are read; anything else is ignored."""
    values: dict[str, str] = {}
    for entry in details if isinstance(details, list) else []:
        if not isinstance(entry, dict):
            continue
        name = entry.get("recordName", entry.get("name"))
        value = entry.get("recordValue", entry.get("value"))
        if isinstance(name, str) and isinstance(value, str | int | float) and not isinstance(value, bool):
            values.setdefault("".join(name.split()).casefold(), str(value).strip())
    return values


def to_found(account_id: str, row: RecordRow, kind: str) -> FoundPerson | None:
    """A getRecords row of contacts or candidates as a person to dial; None without a number. The
    number comes from the row's "Phone" detail [U] (the first, where several are listed)."""
    phone = detail_values(row.details).get("phone", "").split(",")[0].strip()
    name = (row.name or "").strip()
    if not phone or not name:
        return None
    return FoundPerson(account_id=account_id, name=name, company=(row.company or "").strip(), kind=kind, phone=phone)


def to_job(row: RecordRow, web_url: str = "") -> Job:
    details = detail_values(row.details)
    opened = parse_date(row.date_opened)
    status = (row.status or "").strip() or "Open"
    if opened is not None:
        # Job has no field of its own for the opening date; the status line carries it.
        status = f"{status} · opened {opened.day} {opened:%b %Y}"
    return Job(
        id=str(row.id),
        title=(row.name or "").strip() or "(untitled job)",
        employer=(row.company or "").strip(),
        location=str(details.get("location") or "").strip(),
        employment_type=str(details.get("worktype") or "").strip(),
        status=status,
        link=record_link(web_url, "O", row.id),
    )


def parse_date(text: str | None) -> date | None:
    """'2024-03-04', '2024-03-04T09:30:00' or '04/03/2024' [U]; None when unreadable."""
    value = (text or "").strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return datetime.strptime(value[:10], "%d/%m/%Y").date()
    except ValueError:
        return None


# -- logging a call ----------------------------------------------------------------------------------


def clock_time(moment: datetime) -> str:
    """'hh:mm AM' without the locale's say in it (strftime's %p is localised)."""
    hour = moment.hour % 12 or 12
    return f"{hour:02d}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def activity_body(note: NoteDraft, link_type: str, link_id: str, tz: tzinfo | None,
                  user_id: int | None = None) -> dict[str, Any]:
    """createActivity's `activity`: date and time in the recruiter's time zone (`tz`; None = this
    computer's), as TrackerRMS shows them to the recruiter as entered. `userId` names the user where
    the account sets one (an API key otherwise acts as the system administrator)."""
    started = note.call_started_at
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    local = started.astimezone(tz)
    direction = "Inbound" if note.direction is Direction.INBOUND else "Outbound"
    body: dict[str, Any] = {
        "subject": f"{direction} call with {note.record.name}",
        "type": "Telephone",
        "date": local.strftime("%Y-%m-%d"),
        "time": clock_time(local),
        "status": "Completed",
        "contactType": direction,
        "note": note.text,
        "linkRecordType": link_type,
        "linkRecordId": int(link_id) if link_id.isdigit() else link_id,
    }
    if user_id is not None:
        body["userId"] = user_id
    return body


def inbound_call_sections(caller: CallerNumber, destination: str) -> dict[str, Any]:
    """`POST /api/widget/inboundCall`'s instructions: both numbers as international digits."""
    return {"instructions": {"source": caller.digits, "destination": destination}}


def destination_digits(destination: str, caller: CallerNumber) -> str:
    """The recruiter's own number as inboundCall wants it (E.164 digits); a number written without a
    country code is read in the caller's country. Raises InvalidNumber."""
    return normalise(destination, caller.region).digits
