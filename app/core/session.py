"""One call's life: ringing → answered → ended (or missed), with what each CRM said about it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.core.models import AccountResult, Direction, NoteStatus, Record
from app.core.phone import PhoneNumber, normalise
from app.core.same_person import carry
from app.core.views import CallState, CallView, Creatable, Creation, NoteTarget
from app.errors import InvalidNumber

# What softphones and exchanges send for a caller who hides the number (or nothing at all).
_WITHHELD = {"", "anonymous", "withheld", "private", "restricted", "unknown", "unavailable", "blocked"}
_EXTENSION_DIGITS = 6  # at most this many digits and no '+': an internal extension


def caller_text(number: str) -> str | None:
    """"Withheld number" or "Extension 204" for a caller with no number to look up; None otherwise.
    Applied to what the card shows only: the number's parsing is phone.py's."""
    plain = number.strip().strip("<>").removeprefix("sip:").split("@")[0].strip()
    if plain.casefold() in _WITHHELD:
        return "Withheld number"
    if plain.isdigit() and len(plain) <= _EXTENSION_DIGITS:
        return f"Extension {plain}"
    return None


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
    number: str
    direction: Direction
    source: str
    started_at: datetime
    phone: PhoneNumber | None = None
    invalid_reason: str | None = None
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

    @classmethod
    def start(
        cls,
        *,
        number: str,
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
        try:
            session.phone = normalise(number, default_region)
        except InvalidNumber as exc:
            session.invalid_reason = str(exc)
        if answered:  # an answer with no ring before it (a source that missed the ring)
            session.answered_at = at
        return session

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
        hidden = caller_text(self.number) if self.phone is None else None
        display = self.phone.display(self.home_region) if self.phone else (hidden or self.number)
        return CallView(
            call_id=self.call_id,
            number=self.number,
            number_display=display,
            e164=self.phone.e164 if self.phone else None,
            invalid_reason=None if hidden else self.invalid_reason,
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
        )
