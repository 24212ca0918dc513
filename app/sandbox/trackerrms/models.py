"""What each TrackerRMS Widget API call may carry, for the emulator (app/sandbox/trackerrms/server.py).

Strict on purpose: unknown keys, strings for booleans, impossible dates or a "2:05 PM" for
"02:05 PM" are refused with status 99, so a connector cannot come to depend on leniency the real
API may not have. Field names follow the seed's samples.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, field_validator

RECORD_TYPES = ("C", "N", "L", "O", "P", "T", "R", "X")
RecordLetter = Literal["C", "N", "L", "O", "P", "T", "R", "X"]
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(0[1-9]|1[0-2]):[0-5]\d (AM|PM)")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_E164_DIGITS = re.compile(r"[1-9]\d{7,14}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Credentials(_Strict):
    username: StrictStr | None = None
    password: StrictStr | None = None
    oauthtoken: StrictStr | None = None
    apikey: StrictStr | None = None


class Call(_Strict):
    credentials: Credentials = Field(default_factory=Credentials)


# --- checkLogon / checkPerson / getRecords ---------------------------------------------------------


class CheckLogon(Call):
    pass


class PersonDetails(_Strict):
    email: StrictStr = ""
    phone: StrictStr = ""
    linkedin: StrictStr = ""


class CheckPerson(Call):
    details: PersonDetails


class RecordQuery(_Strict):
    """getRecords' instructions, every field of the academy's sample request (lesson 361) included."""

    recordtype: RecordLetter
    recordid: StrictInt | None = None  # 0 (the sample's value) means "no particular record"
    state: Literal["", "open", "closed", "won"] = ""
    searchtext: StrictStr = ""
    onlymyrecords: StrictBool = False
    numrecords: StrictInt = Field(50, ge=1, le=500)
    pagenum: StrictInt = Field(0, ge=0)  # the first page is 0, as the sample sends it
    # The sample sorts by lastupdateddatetime; the other names are this emulator's guesses [U].
    sortfield: Literal["", "id", "name", "dateopened", "company", "lastupdateddatetime"] = ""
    sortdir: Literal["", "asc", "desc"] = ""
    updatedbefore: StrictStr = ""
    updatedafter: StrictStr = ""
    includecustomfields: StrictBool = False

    @field_validator("updatedbefore", "updatedafter")
    @classmethod
    def _moment(cls, value: str) -> str:
        if value and not _MOMENT.fullmatch(value):
            raise ValueError("must be YYYY-MM-DD hh:mm:ss, e.g. 2022-01-01 12:00:00")
        return value


class GetRecords(Call):
    instructions: RecordQuery


# --- people -----------------------------------------------------------------------------------------


class _Person(_Strict):
    firstname: StrictStr = ""
    lastname: StrictStr = ""
    fullname: StrictStr = ""
    jobtitle: StrictStr = ""
    company: StrictStr = ""
    address1: StrictStr = ""
    address2: StrictStr = ""
    city: StrictStr = ""
    state: StrictStr = ""
    zipcode: StrictStr = ""
    country: StrictStr = ""
    homephone: StrictStr = ""
    cellphone: StrictStr = ""
    email: StrictStr = ""
    linkedin: StrictStr = ""
    note: StrictStr = ""

    @property
    def name(self) -> str:
        return " ".join(f"{self.firstname} {self.lastname}".split()) or " ".join(self.fullname.split())


class ContactIn(_Person):
    businessphone: StrictStr = ""
    website: StrictStr = ""
    image: StrictStr = ""


class ContactInstructions(_Strict):
    createcompanyifnotexists: StrictBool = False
    overwritecontact: StrictBool = False


class CreateContact(Call):
    instructions: ContactInstructions = Field(default_factory=ContactInstructions)
    contact: ContactIn


class JobHistory(_Strict):
    company: StrictStr = ""
    jobtitle: StrictStr = ""
    startdate: StrictStr = ""
    enddate: StrictStr = ""
    description: StrictStr = ""


class ResourceIn(_Person):
    workphone: StrictStr = ""
    dateofbirth: StrictStr = ""
    nationality: StrictStr = ""
    languages: StrictStr = ""
    education: StrictStr = ""
    source: StrictStr = ""
    jobhistory: list[JobHistory] = Field(default_factory=list)

    @field_validator("dateofbirth")
    @classmethod
    def _iso_date(cls, value: str) -> str:
        return _valid_date(value) if value else value


class ResourceInstructions(_Strict):
    overwriteresource: StrictBool = False
    assigntoopportunity: StrictInt | None = None
    assigntolist: Literal["short", "long"] | None = None
    shortlistedby: Literal["user", "resource"] | None = None


class CreateResource(Call):
    instructions: ResourceInstructions = Field(default_factory=ResourceInstructions)
    resource: ResourceIn


class ResumeIn(_Strict):
    firstname: StrictStr = ""
    lastname: StrictStr = ""
    fullname: StrictStr = ""
    jobtitle: StrictStr = ""
    email: StrictStr = ""
    note: StrictStr = ""
    source: StrictStr = ""


class ResumeFile(_Strict):
    """The CV itself: the v1.11 text puts it in a `file` section of its own, never inside `resource`."""

    filename: StrictStr = Field(min_length=1)
    data: StrictStr = Field(min_length=1)


class ResumeInstructions(_Strict):
    """The v1.11 text offers job assignment only; no overwrite flag (an existing candidate is refused)."""

    assigntoopportunity: StrictInt | None = None
    assigntolist: Literal["short", "long"] | None = None
    shortlistedby: Literal["user", "resource"] | None = None


class CreateResourceFromResume(Call):
    instructions: ResumeInstructions = Field(default_factory=ResumeInstructions)
    resource: ResumeIn = Field(default_factory=ResumeIn)
    file: ResumeFile


class LeadIn(ContactIn):
    leadname: StrictStr = Field(min_length=1)
    department: StrictStr = ""
    source: StrictStr = ""
    description: StrictStr = ""
    leadpersontype: Literal["N", "R"]


class LeadInstructions(_Strict):
    createpersonifnotexists: StrictBool = False
    notifydepartment: StrictBool = False


class CreateLead(Call):
    instructions: LeadInstructions = Field(default_factory=LeadInstructions)
    lead: LeadIn


# --- activities -------------------------------------------------------------------------------------


class ActivityIn(_Strict):
    subject: StrictStr = Field(min_length=1)
    type: Literal["Telephone", "Email", "Meeting", "Task", "Note"]
    date: StrictStr
    time: StrictStr
    status: Literal["Completed", "Not Started", "In Progress", "Deferred"]
    priority: Literal["Low", "Medium", "Normal", "High"] | None = None  # the sample sends "Medium"
    # camelCase: the API's own names.
    contactType: Literal["Inbound", "Outbound"] | None = None
    note: StrictStr = ""
    userId: StrictInt | None = None
    linkRecordType: RecordLetter
    linkRecordId: StrictInt

    @field_validator("date")
    @classmethod
    def _date(cls, value: str) -> str:
        return _valid_date(value)

    @field_validator("time")
    @classmethod
    def _time(cls, value: str) -> str:
        if not _TIME.fullmatch(value):
            raise ValueError("must be hh:mm AM or hh:mm PM, e.g. 02:05 PM")
        return value


class EmptyInstructions(_Strict):
    pass


class CustomField(_Strict):
    id: StrictInt
    value: StrictStr


class CreateActivity(Call):
    instructions: EmptyInstructions = Field(default_factory=EmptyInstructions)
    activity: ActivityIn
    customfields: list[CustomField] = Field(default_factory=list)


# --- the screen pop and settings ---------------------------------------------------------------------


class CallNumbers(_Strict):
    source: StrictStr
    destination: StrictStr

    @field_validator("source", "destination")
    @classmethod
    def _digits(cls, value: str) -> str:
        if not _E164_DIGITS.fullmatch(value):
            raise ValueError("must be an international number without '+', e.g. 441234567890")
        return value


class InboundCall(Call):
    instructions: CallNumbers


class GetSettingsData(Call):
    pass


def _valid_date(value: str) -> str:
    if not _DATE.fullmatch(value):
        raise ValueError("must be YYYY-MM-DD")
    date.fromisoformat(value)  # refuses 2024-02-30
    return value


CALLS: dict[str, type[Call]] = {
    "checkLogon": CheckLogon,
    "checkPerson": CheckPerson,
    "getRecords": GetRecords,
    "createContact": CreateContact,
    "createResource": CreateResource,
    "createResourceFromResume": CreateResourceFromResume,
    "createLead": CreateLead,
    "createActivity": CreateActivity,
    "inboundCall": InboundCall,
    "getSettingsData": GetSettingsData,
}
