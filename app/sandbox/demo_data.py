"""Fictional people and jobs that every CRM emulator serves, so that one number can be looked up
in several CRMs at once and the demo shows the same person across them.

The data lives in resources/demo/people.json. Each person lists the CRMs that hold them (`crms`)
and their id in each; emulators serve only the people in their CRM.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app import resources

CrmName = Literal["recruitwizard", "trackerrms", "retailcrm"]
UNKNOWN_NUMBER = "+61491570159"  # in the ACMA fiction range and in no CRM
_E164 = r"^\+[1-9]\d{7,14}$"


class _Demo(BaseModel):
    # The file is ours: a typo in it should fail loudly, not be ignored.
    model_config = ConfigDict(frozen=True, extra="forbid")


class DemoPhone(_Demo):
    kind: Literal["mobile", "work", "home"]
    number: str = Field(pattern=_E164)


class DemoPerson(_Demo):
    key: str = Field(pattern=r"^[a-z0-9-]+$")
    kind: Literal["contact", "candidate", "client"]  # a client is a company, with no first/last name
    first_name: str = ""
    last_name: str = ""
    job_title: str = ""
    company: str = Field(description="employer of a contact or candidate; the client's own name")
    email: str = ""
    phones: tuple[DemoPhone, ...]
    crms: tuple[CrmName, ...]
    recruitwizard_id: int | None = None
    trackerrms_id: int | None = None
    retailcrm_id: int | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.company

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(phone.number for phone in self.phones)

    def in_crm(self, crm: CrmName) -> bool:
        return crm in self.crms

    @model_validator(mode="after")
    def _ids_match_crms(self) -> DemoPerson:
        for crm in ("recruitwizard", "trackerrms", "retailcrm"):
            has_id = getattr(self, f"{crm}_id") is not None
            if has_id != (crm in self.crms):
                raise ValueError(f"{self.key}: {crm}_id must be set exactly when '{crm}' is in crms")
        if self.kind != "client" and not (self.first_name and self.last_name):
            raise ValueError(f"{self.key}: people need a first and last name")
        return self


class DemoJob(_Demo):
    job_id: int
    title: str
    employment_type: Literal["Permanent", "Contract", "Temporary"]
    employer: str
    country: str
    state: str
    suburb: str
    contact: str = Field(description="key of the hiring contact")
    status: Literal["open", "closed"]

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class DemoData(_Demo):
    comment: str = Field("", alias="_comment")
    people: tuple[DemoPerson, ...]
    jobs: tuple[DemoJob, ...]

    @model_validator(mode="after")
    def _consistent(self) -> DemoData:
        keys = [p.key for p in self.people]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate person keys")
        rw_ids = [p.recruitwizard_id for p in self.people if p.recruitwizard_id is not None]
        if len(set(rw_ids)) != len(rw_ids):
            raise ValueError("duplicate recruitwizard_id")
        job_ids = [j.job_id for j in self.jobs]
        if len(set(job_ids)) != len(job_ids):
            raise ValueError("duplicate job_id")
        contacts = {p.key for p in self.people if p.kind == "contact"}
        for job in self.jobs:
            if job.contact not in contacts:
                raise ValueError(f"job {job.job_id}: '{job.contact}' is not a contact")
        return self

    def person(self, key: str) -> DemoPerson:
        for person in self.people:
            if person.key == key:
                return person
        raise KeyError(key)

    def matching(self, e164: str, crm: CrmName | None = None) -> list[DemoPerson]:
        """Everyone (in `crm`, if given) with `e164` among their numbers."""
        return [p for p in self.people if e164 in p.numbers and (crm is None or p.in_crm(crm))]

    def in_crm(self, crm: CrmName) -> list[DemoPerson]:
        return [p for p in self.people if p.in_crm(crm)]

    def by_recruitwizard_id(self, record_id: int) -> DemoPerson | None:
        return next((p for p in self.people if p.recruitwizard_id == record_id), None)

    def jobs_of(self, key: str, *, open_only: bool = True) -> list[DemoJob]:
        return [j for j in self.jobs if j.contact == key and (j.is_open or not open_only)]


@cache
def load_demo() -> DemoData:
    """The demo data (parsed once; the models are frozen, so sharing is safe)."""
    text = resources.path("demo", "people.json").read_text(encoding="utf-8")
    return DemoData.model_validate_json(text)


# Who rings in the demo: a contact with open jobs on a mobile (in all three CRMs), a shared office
# line matching two contacts, a candidate, a contact's landline, a contact in retailCRM too.
_CALLERS: tuple[tuple[str, str], ...] = (
    ("priya-raman", "+61491570006"),
    ("daniel-oconnor", "+61370100200"),
    ("ethan-brooks", "+61491571266"),
    ("sarah-whitfield", "+61255500187"),
    ("tom-nguyen", "+61491570067"),
)


def demo_callers() -> list[tuple[str, str]]:
    """(label, E.164 number) for the demo's "simulate a call" menu."""
    data = load_demo()
    callers: list[tuple[str, str]] = []
    for key, number in _CALLERS:
        matches = data.matching(number)
        if len(matches) > 1:
            kinds = {m.kind for m in matches}
            what = f"{kinds.pop()}s" if len(kinds) == 1 else "records"
            label = f"{data.person(key).company} office — {len(matches)} {what}"
        else:
            person = data.person(key)
            label = f"{person.full_name} — {person.kind}, {person.company}"
        callers.append((label, number))
    callers.append(("Unknown caller", UNKNOWN_NUMBER))
    return callers
