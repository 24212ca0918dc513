"""The seam between Ringside and a CRM.

A connector is built by its factory (see `app.crm.registry`) from the account's settings,
a pooled `httpx.AsyncClient` and the secret store. It raises only `app.errors.ConnectorError`
subclasses, with messages a recruiter can read.

Every connector has every method of `Connector`; what it can really do is declared in its
`Capabilities`, and `ConnectorBase` gives the optional features a harmless default, so core asks
the flags and never probes for methods.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, field_validator

from app.core.models import CallEvent, Job, NoteDraft, Receipt, Record
from app.core.phone import CallerNumber
from app.errors import Rejected


@dataclass(frozen=True)
class Capabilities:
    lookup: bool = True
    open_jobs: bool = False
    log_call: bool = False
    notify: bool = False
    create_record: bool = False
    sign_in: bool = False
    create_from_resume: bool = False  # a CV file dropped on a card becomes a candidate
    # log_call may safely be sent again after an unknown outcome: the CRM de-duplicates on
    # `NoteDraft.delivery_key` (retailCRM's externalId). Without it the outbox asks the recruiter.
    idempotent_log: bool = False
    # Records may come without an id (TrackerRMS's checkPerson): `resolve` finds it before a note.
    resolve_ids: bool = False
    # People are found by name (the Dial window's search): `search_people` asks the CRM.
    search_people: bool = False


# -- creating records for unknown callers (connectors with capabilities.create_record) ------------


class NewRecordKind(StrEnum):
    CONTACT = "contact"
    CANDIDATE = "candidate"
    LEAD = "lead"


_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class NewPerson(BaseModel):
    """What the "Create contact / candidate / lead" forms fill in (the number comes prefilled)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    first_name: str
    last_name: str
    job_title: str = ""
    company: str = ""
    phone: str = ""  # E.164, e.g. the caller's number
    phone_kind: Literal["mobile", "work", "home"] = "mobile"
    email: str = ""
    note: str = ""
    lead_for: Literal["contact", "candidate"] = "contact"  # leads only: who the lead is about

    @field_validator("first_name", "last_name")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value:
            raise ValueError("is required")
        return value

    @field_validator("phone")
    @classmethod
    def _e164(cls, value: str) -> str:
        if value and not _E164.fullmatch(value):
            raise ValueError("must be an international number like +61412345678")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and not _EMAIL.fullmatch(value):
            raise ValueError("is not an e-mail address")
        return value

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class CreatedRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    account_id: str
    kind: NewRecordKind
    id: str | None  # None when the CRM did not say
    name: str
    detail: str = ""  # e.g. "Created in TrackerRMS"


class FoundPerson(BaseModel):
    """A person a CRM found by name for the Dial window: who, where, and the number to dial."""

    model_config = ConfigDict(frozen=True)

    account_id: str
    name: str
    company: str = ""
    kind: str = ""  # the CRM's word for the record ("Contact", "Candidate", "Customer")
    phone: str  # as the CRM stores it; the dialer normalises it


@runtime_checkable
class RecordCreator(Protocol):
    """Creating records (offered where capabilities.create_record / create_from_resume say so).
    Raises ConnectorError subclasses like every connector call; after a success, look the number up again."""

    async def create_record(self, kind: NewRecordKind, person: NewPerson) -> CreatedRecord: ...

    async def create_from_resume(self, path: Path, person: NewPerson | None = None) -> CreatedRecord: ...


@runtime_checkable
class Connector(RecordCreator, Protocol):
    account_id: str
    label: str
    capabilities: Capabilities

    async def lookup(self, caller: CallerNumber) -> list[Record]:
        """Records matching the caller's number (always `NumberKind.NUMBER`: its `e164` is set); [] when none."""
        ...

    async def open_jobs(self, record: Record) -> list[Job]:
        """Open jobs for a record; [] when the CRM has none or the record type has none."""
        ...

    async def log_call(self, note: NoteDraft) -> Receipt:
        """Log the call against `note.record`. Raises on failure; never logs half a note."""
        ...

    async def notify(self, event: CallEvent) -> None:
        """Tell a CRM that pops its own card about a call event (no-op where not supported).
        `event.number` is the caller, always a number (`NumberKind.NUMBER`)."""
        ...

    async def resolve(self, record: Record) -> Record:
        """`record` with its id, found by name (capabilities.resolve_ids). Raises NotResolved when no
        single record matches; a connector whose records always carry ids returns `record` as it is."""
        ...

    async def search_people(self, text: str) -> list[FoundPerson]:
        """People whose name holds `text`, each with a number to dial (capabilities.search_people);
        people without a number are left out. [] where the CRM offers no search."""
        ...

    def label_for(self, key: str) -> str:
        """This CRM's own name for a record type key ("contact", "resource", "lead"); "" when it uses
        the usual names."""
        ...

    async def warm_up(self) -> None:
        """Open the connection pool ahead of the first ring (no-op where there is nothing to warm)."""
        ...

    async def aclose(self) -> None: ...


class ConnectorBase:
    """Defaults for the optional features of `Connector`, for connectors whose capabilities leave
    them off: nothing to warm, ids always given, the usual names, no search by name, and no records
    created."""

    label: str

    async def warm_up(self) -> None:
        return None

    async def resolve(self, record: Record) -> Record:
        return record

    def label_for(self, key: str) -> str:
        return ""

    async def search_people(self, text: str) -> list[FoundPerson]:
        return []

    async def create_record(self, kind: NewRecordKind, person: NewPerson) -> CreatedRecord:
        raise Rejected(f"{self.label} can't create records from Ringside.")

    async def create_from_resume(self, path: Path, person: NewPerson | None = None) -> CreatedRecord:
        raise Rejected(f"{self.label} can't create candidates from CVs.")
