"""Plain data that flows through Ringside: call events, CRM records, lookup results, notes.

Everything here is a frozen pydantic model or an enum, so it can cross the boundary between
sources, the switchboard, connectors, storage and the UI without anyone mutating it behind
another's back.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from app.core.note_status import NoteStatus as NoteStatus  # here too: it lives apart for storage's light reads
from app.core.phone import CallerNumber


class Frozen(BaseModel):
    # cache_strings="keys": pydantic's JSON parser otherwise keeps every short string value it reads in
    # a process-wide cache (thousands of entries); cache and note reads see new values on every call.
    model_config = ConfigDict(frozen=True, extra="forbid", cache_strings="keys")


class EventType(StrEnum):
    RING = "ring"
    ANSWER = "answer"
    HANGUP = "hangup"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class CallEvent(Frozen):
    """One thing a call source saw. `call_id` is None for sources that cannot tell calls apart
    (MicroSIP hooks, `ringside event` without --call-id): the switchboard pairs those by number.
    `number` is the other party's, read where the event entered Ringside (`CallerNumber.parse`)."""

    type: EventType
    number: CallerNumber
    direction: Direction = Direction.INBOUND
    call_id: str | None = None
    source: str = "unknown"
    at: datetime = Field(description="wall-clock time the event happened (UTC, timezone-aware)")
    received_ns: int = Field(0, description="time.perf_counter_ns() when Ringside received it")
    recording: str | None = Field(None, description="the call's recording file, when the source recorded it")


class CallNotice(CallEvent):
    """A step of a call as the switchboard tells it to connectors that play the CRM's telephony peer
    (`Connector.notify`): with Ringside's own call id (set even when the source gave none), the
    call's direction as the session knows it, and its times so far, so that a hang-up says whether
    and when the call was answered."""

    started_at: datetime
    answered_at: datetime | None = None
    ended_at: datetime | None = None

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def talk_s(self) -> int:
        """Seconds from answer to hang-up (0 when never answered)."""
        if self.answered_at is None or self.ended_at is None:
            return 0
        return max(0, round((self.ended_at - self.answered_at).total_seconds()))

    @property
    def waiting_s(self) -> int:
        """Seconds from the start to the answer (or to the end, when never answered)."""
        until = self.answered_at or self.ended_at
        return 0 if until is None else max(0, round((until - self.started_at).total_seconds()))


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
    # More about the record, for CRMs that give it (retailCRM: the responsible manager; links to the
    # last order and a new order), shown under the record on the card.
    note: str = ""
    extra_links: tuple[tuple[str, str], ...] = ()  # (label, url)
    email: str = ""
    # > 1: the CRM matched this many records by the number but described only this one (TrackerRMS's
    # checkPerson on a shared line) — a guess, never logged against unless the recruiter picks it.
    one_of: int = 0

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
    more: int = Field(0, description="matches past the account's record limit, not in `records`")


class NoteDraft(Frozen):
    """A note to log against one record in one account."""

    call_id: str
    account_id: str
    record: Record
    direction: Direction
    text: str
    call_started_at: datetime
    duration_s: int

    @property
    def delivery_key(self) -> str:
        """The same for every attempt at logging this call against this record, and for no other:
        what a CRM that de-duplicates writes (retailCRM's `externalId`) is given, so a resend after
        an unknown outcome cannot log the call twice."""
        basis = f"{self.call_id}|{self.call_started_at.isoformat()}|{self.record.key}"
        return "ringside-" + hashlib.sha256(basis.encode()).hexdigest()[:32]


class Receipt(Frozen):
    account_id: str
    remote_id: str | None = None
    detail: str = ""
