"""The TrackerRMS emulator's records: the shared demo people (resources/demo/people.json, those with
`trackerrms` in `crms`), their companies and open opportunities, a few users, and whatever the
connector creates. Phones are stored formatted for people ("0491 570 006"), as TrackerRMS users type
them, and matched by digits. Not thread-safe on its own: the sandbox holds its lock around every use.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

import phonenumbers
from phonenumbers import PhoneNumberFormat

from app.sandbox.demo_data import DemoData, DemoPerson
from app.sandbox.trackerrms.models import RecordQuery

PhoneFormat = Literal["national", "e164"]
_WEB_PATHS = {"C": "clients", "N": "contacts", "L": "leads", "O": "opportunities", "P": "projects",
              "T": "tickets", "R": "resources", "X": "placements"}
_STATES = {"open": {"Open", "Active"}, "closed": {"Closed", "Lost"}, "won": {"Won"}}
SORT_FIELDS = {"": "id", "id": "id", "name": "name", "dateopened": "opened", "company": "company"}

RECRUITER = "alex.morgan@agency.example"
COLLEAGUE = "sam.lee@agency.example"
INACTIVE = "former.user@agency.example"
ADMIN = "system.admin@agency.example"


@dataclass
class User:
    username: str
    password: str
    full_name: str
    user_id: int
    active: bool = True
    phone: str = ""  # E.164


@dataclass
class Rec:
    letter: str  # C N L O P T R X
    id: int
    name: str
    company: str = ""
    status: str = "Active"
    opened: date = date(2024, 1, 8)
    owner: str = RECRUITER
    job_title: str = ""
    email: str = ""
    linkedin: str = ""
    phones: list[str] = field(default_factory=list)  # as stored, e.g. "0491 570 006"
    details: dict[str, Any] = field(default_factory=dict)

    def has_phone(self, digits: str) -> bool:
        return any(re.sub(r"\D", "", phone) == digits for phone in self.phones)


def default_users() -> list[User]:
    return [
        User(RECRUITER, "demo-password", "Alex Morgan", 101, phone="+61255500250"),
        User(COLLEAGUE, "sam-password-1", "Sam Lee", 102, phone="+61491570090"),
        User(INACTIVE, "old-password-1", "Former User", 103, active=False),
        User(ADMIN, "admin-password", "System Admin", 1),
    ]


def stored_phone(e164: str, phone_format: PhoneFormat) -> str:
    # Formatted straight with phonenumbers, not through the app's phone module: the emulator follows
    # how TrackerRMS users type numbers, and must not share a parsing mistake with the connector.
    parsed = phonenumbers.parse(e164)
    style = PhoneNumberFormat.NATIONAL if phone_format == "national" else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style)


class Store:
    def __init__(self, data: DemoData, phone_format: PhoneFormat = "national") -> None:
        self.phone_format = phone_format
        self.records: dict[tuple[str, int], Rec] = {}
        self._ids = {letter: itertools.count(start) for letter, start in
                     {"C": 31001, "N": 11001, "L": 51001, "O": 41001, "P": 61001, "T": 71001, "R": 21001,
                      "X": 81001}.items()}
        people = data.in_crm("trackerrms")
        for index, person in enumerate(people):
            self._add(self._person(person, COLLEAGUE if index % 3 == 2 else RECRUITER))
        hiring = {p.key for p in people if p.kind == "contact"}
        for job in data.jobs:
            if job.contact in hiring:
                self._add(Rec("O", job.job_id - 200000, job.title, job.employer,
                              status="Open" if job.is_open else "Closed",
                              opened=date(2024, 1, 8) + timedelta(days=job.job_id % 90),
                              details={"worktype": job.employment_type, "location": f"{job.suburb}, {job.state}"}))
        kestrel = next((p.company for p in people if p.key == "priya-raman"), "Kestrel Software")
        self.add("O", "Data Engineer", kestrel, status="Won", details={"worktype": "Permanent"})
        for company in sorted({r.company for r in self.records.values() if r.company}):
            self.add("C", company, company)
        self.add("L", "Website enquiry", "Opal Insurance", status="Open")
        self.add("P", "Warehouse expansion hiring", "Harbourline Logistics", status="Open")
        self.add("T", "Cannot open CV attachment", "", status="Closed", owner=COLLEAGUE)
        self.add("X", "Ethan Brooks at Quokka Digital", "Quokka Digital", status="Active")

    def _person(self, person: DemoPerson, owner: str) -> Rec:
        assert person.trackerrms_id is not None
        letter = {"contact": "N", "candidate": "R"}.get(person.kind, "C")
        return Rec(letter, person.trackerrms_id, person.full_name, person.company, owner=owner,
                   job_title=person.job_title, email=person.email,
                   phones=[stored_phone(n, self.phone_format) for n in person.numbers])

    def _add(self, record: Rec) -> Rec:
        self.records[(record.letter, record.id)] = record
        return record

    def add(self, letter: str, name: str, company: str = "", **fields: Any) -> Rec:
        record_id = next(self._ids[letter])
        while (letter, record_id) in self.records:
            record_id = next(self._ids[letter])
        return self._add(Rec(letter, record_id, name, company, **fields))

    # --- reading -----------------------------------------------------------------------------------

    def get(self, letter: str, record_id: int) -> Rec | None:
        return self.records.get((letter, record_id))

    def people_with(self, *, phone: str = "", email: str = "", linkedin: str = "") -> list[Rec]:
        """Contacts, then resources, matching any detail given (phone by digits)."""
        found = []
        for letter in ("N", "R"):
            for record in self.records.values():
                if record.letter != letter:
                    continue
                if ((phone and record.has_phone(phone)) or (email and record.email.casefold() == email.casefold())
                        or (linkedin and record.linkedin and record.linkedin == linkedin)):
                    found.append(record)
        return found

    def query(self, query: RecordQuery, username: str) -> list[Rec]:
        rows = [r for r in self.records.values() if r.letter == query.recordtype]
        if query.recordid is not None:
            rows = [r for r in rows if r.id == query.recordid]
        if query.state:
            rows = [r for r in rows if r.status in _STATES[query.state]]
        if query.searchtext.strip():
            needle = query.searchtext.strip().casefold()
            rows = [r for r in rows if needle in r.name.casefold()]
        if query.onlymyrecords:
            rows = [r for r in rows if r.owner == username]
        rows.sort(key=lambda r: getattr(r, SORT_FIELDS[query.sortfield]), reverse=query.sortdir == "desc")
        start = (query.pagenum - 1) * query.numrecords
        return rows[start:start + query.numrecords]

    def same_person(self, letter: str, name: str, company: str, email: str) -> Rec | None:
        """An existing record that a create would overwrite: same name and company, or same e-mail."""
        for record in self.records.values():
            if record.letter != letter:
                continue
            same_name = _fold(record.name) == _fold(name) and _fold(record.company) == _fold(company)
            if same_name or (email and _fold(record.email) == _fold(email)):
                return record
        return None

    def has_company(self, company: str) -> bool:
        return any(r.letter == "C" and _fold(r.name) == _fold(company) for r in self.records.values())


def link(base: str, letter: str, record_id: int) -> str:
    return f"{base}/web/{_WEB_PATHS[letter]}/{record_id}"


def row(base: str, record: Rec) -> dict[str, Any]:
    """One getRecords result."""
    details = dict(record.details)
    if record.letter in ("N", "R"):
        details |= {"jobtitle": record.job_title, "email": record.email, "phone": ", ".join(record.phones)}
    return {
        "id": record.id,
        "name": record.name,
        "company": record.company,
        "status": record.status,
        "dateopened": record.opened.isoformat(),
        "details": details,
        "recordLink": link(base, record.letter, record.id),
    }


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()
