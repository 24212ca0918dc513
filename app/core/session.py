"""One call's life: ringing → answered → ended (or missed), with what each CRM said about it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.core.caller_place import CallerPlace
from app.core.models import AccountResult, Direction, NoteStatus, Record
from app.core.phone import CallerNumber, NumberKind
from app.core.same_person import carry
from app.core.views import CallState, CallView, Creatable, Creation, LastCall, NoteTarget


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
    # The recruiter's picks (account ids), the latest one, and the accounts that find records by
    # name: a pick is carried to every other account where that person is found (core.same_person).
    picked: set[str] = field(default_factory=set)
    last_pick: Record | None = None
    by_name: frozenset[str] = frozenset()
    draft: str = ""  # the note typed so far (on the card, or a form closed without saving)
    last_call: LastCall | None = None  # the previous call with this number, from history
    place: CallerPlace | None = None  # the caller's country and time zones, from the number
    described: bool = False  # last_call and place filled in (core.calls, on the first publish)

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
        """The recruiter picked a record: it holds in its account and is carried to the others."""
        result = self.results.get(account_id)
        record = next((r for r in result.records if r.key == record_key), None) if result else None
        if record is None:
            return False
        self.selected[account_id] = record_key
        self.picked.add(account_id)
        self.last_pick = record
        self.carry()
        return True

    def carry(self) -> None:
        """Apply the latest pick to every account the recruiter has not picked in (again after each
        lookup answer, which replaces that account's records)."""
        if self.last_pick is None:
            return
        for account_id, result in list(self.results.items()):
            if account_id in self.picked:
                continue
            carried = carry(self.last_pick, result, by_name=account_id in self.by_name)
            if carried is None:
                continue
            if carried.record is None:
                self.selected.pop(account_id, None)
                continue
            if carried.added and all(r.key != carried.record.key for r in result.records):
                self.results[account_id] = result.model_copy(update={"records": (*result.records, carried.record)})
            self.selected[account_id] = carried.record.key

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
            # A withheld caller or an extension is no error: the number display says what it is.
            invalid_reason=self.number.why_not_looked_up if self.number.kind is NumberKind.UNREADABLE else None,
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
            draft=self.draft,
            last_call=self.last_call,
            place=self.place,
        )
