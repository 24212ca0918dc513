"""One call's life: ringing → answered → ended (or missed), with what each CRM said about it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.core.models import AccountResult, Direction, NoteStatus, Record
from app.core.phone import CallerNumber
from app.core.views import CallState, CallView, Creatable, Creation, NoteTarget


def new_call_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass
class NoteProgress:
    account_id: str
    account_label: str
    record: Record
    status: NoteStatus
    message: str = ""


@dataclass
class CallSession:
    call_id: str
    number: CallerNumber
    direction: Direction
    source: str
    started_at: datetime
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    explicit_id: bool = False  # the source gave the call id (else paired by number)
    results: dict[str, AccountResult] = field(default_factory=dict)
    selected: dict[str, str] = field(default_factory=dict)
    notes: dict[str, NoteProgress] = field(default_factory=dict)  # by record key
    home_region: str | None = None
    received_ns: int = 0
    card_shown_ms: float | None = None
    note_closed: bool = False
    can_answer: bool = False
    manual: bool = False  # placed through a dialer that reports nothing: the card's buttons record it
    # Records created from the card, and records a note can't be linked to (see core.records).
    creatable: dict[str, Creatable] = field(default_factory=dict)
    creations: dict[str, Creation] = field(default_factory=dict)
    unlinked: dict[str, str] = field(default_factory=dict)
    links_checked: set[str] = field(default_factory=set)

    @classmethod
    def start(
        cls,
        *,
        number: CallerNumber,
        direction: Direction,
        source: str,
        at: datetime,
        default_region: str | None,
        call_id: str | None = None,
        answered: bool = False,
        received_ns: int = 0,
    ) -> CallSession:
        session = cls(
            call_id=call_id or new_call_id(),
            number=number,
            direction=direction,
            source=source,
            started_at=at,
            explicit_id=call_id is not None,
            home_region=default_region,
            received_ns=received_ns,
        )
        if answered:  # an answer with no ring before it (a source that missed the ring)
            session.answered_at = at
        return session

    @property
    def e164(self) -> str | None:
        """The caller's number when CRMs can be asked about it (None: withheld, extension, unreadable)."""
        return self.number.e164 if self.number.is_number else None

    @property
    def state(self) -> CallState:
        if self.ended_at is not None:
            return CallState.ENDED if self.answered_at is not None else CallState.MISSED
        return CallState.ANSWERED if self.answered_at is not None else CallState.RINGING

    @property
    def open(self) -> bool:
        return self.ended_at is None

    def answer(self, at: datetime) -> bool:
        """Ringing → answered. Repeats and answers after the end change nothing."""
        if self.answered_at is not None or self.ended_at is not None:
            return False
        self.answered_at = max(at, self.started_at)
        return True

    def hang_up(self, at: datetime) -> bool:
        if self.ended_at is not None:
            return False
        self.ended_at = max(at, self.answered_at or self.started_at)
        return True

    @property
    def duration_s(self) -> int:
        """Talk time: from answer to hang-up (0 for a missed call)."""
        if self.answered_at is None:
            return 0
        end = self.ended_at or datetime.now(UTC)
        return max(0, round((end - self.answered_at).total_seconds()))

    def select(self, account_id: str, record_key: str) -> bool:
        result = self.results.get(account_id)
        if result is None or all(r.key != record_key for r in result.records):
            return False
        self.selected[account_id] = record_key
        return True

    def record(self, key: str) -> Record | None:
        for result in self.results.values():
            for record in result.records:
                if record.key == key:
                    return record
        return None

    def view(self) -> CallView:
        return CallView(
            call_id=self.call_id,
            number=self.number.raw,
            number_display=self.number.display(self.home_region),
            e164=self.e164,
            invalid_reason=self.number.why_not_looked_up,
            number_kind=self.number.kind,
            direction=self.direction,
            state=self.state,
            started_at=self.started_at,
            answered_at=self.answered_at,
            ended_at=self.ended_at,
            accounts=tuple(self.results.values()),
            selected=dict(self.selected),
            notes=tuple(
                NoteTarget(p.account_id, p.account_label, p.record, p.status, p.message)
                for p in self.notes.values()
            ),
            can_answer=self.can_answer,
            manual=self.manual,
            creatable=dict(self.creatable),
            creations=dict(self.creations),
            unlinked=dict(self.unlinked),
        )
