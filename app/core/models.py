"""Plain data that flows through Ringside: call events, CRM records, lookup results, notes.

Everything here is a frozen pydantic model or an enum, so it can cross the boundary between
sources, the switchboard, connectors, storage and the UI without anyone mutating it behind
another's back.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EventType(StrEnum):
    RING = "ring"
    ANSWER = "answer"
    HANGUP = "hangup"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class CallEvent(Frozen):
    """One thing a call source saw. `call_id` is None for sources that cannot tell calls apart
    (MicroSIP hooks, `ringside event` without --call-id): the switchboard pairs those by number."""

    type: EventType
    number: str
    direction: Direction = Direction.INBOUND
    call_id: str | None = None
    source: str = "unknown"
    at: datetime = Field(description="wall-clock time the event happened (UTC, timezone-aware)")
    received_ns: int = Field(0, description="time.perf_counter_ns() when Ringside received it")


class RecordType(StrEnum):
    CONTACT = "contact"
    CANDIDATE = "candidate"
    CLIENT = "client"
    USER = "user"
    CUSTOMER = "customer"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Job(Frozen):
    id: str
    title: str
    employer: str = ""
    location: str = ""
    employment_type: str = ""
    status: str = ""
    link: str | None = None


class Record(Frozen):
    """A CRM record that matched a number. `id` is None when the CRM does not say it (TrackerRMS's
    checkPerson); such a record cannot be logged against until the id is resolved."""

    account_id: str
    type: RecordType
    id: str | None
    name: str
    job_title: str = ""
    company: str = ""
    link: str | None = None
    type_label: str = ""

    @property
    def key(self) -> str:
        """Stable identity within a call: unique per account, type and id (or name when no id)."""
        return f"{self.account_id}:{self.type.value}:{self.id or self.name}"

    @property
    def display_type(self) -> str:
        return self.type_label or self.type.label


class LookupStatus(StrEnum):
    PENDING = "pending"
    FOUND = "found"
    NOT_FOUND = "not_found"
    ERROR = "error"


class AccountResult(Frozen):
    """What one account knows about a number, as far as it has answered so far.

    Published more than once per call: first PENDING, then FOUND/NOT_FOUND/ERROR with records,
    then again when open jobs arrive (`complete` says whether anything more is coming)."""

    account_id: str
    account_label: str
    status: LookupStatus
    records: tuple[Record, ...] = ()
    jobs: dict[str, tuple[Job, ...]] = Field(default_factory=dict, description="record key -> open jobs")
    error: str | None = None
    needs_sign_in: bool = False
    complete: bool = False
    elapsed_ms: float | None = None
    from_cache: bool = False


class NoteStatus(StrEnum):
    PENDING = "pending"
    LOGGED = "logged"
    FAILED = "failed"


class NoteDraft(Frozen):
    """A note to log against one record in one account."""

    call_id: str
    account_id: str
    record: Record
    direction: Direction
    text: str
    call_started_at: datetime
    duration_s: int


class Receipt(Frozen):
    account_id: str
    remote_id: str | None = None
    detail: str = ""
