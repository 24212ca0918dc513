"""Shared pieces for the widget tests and tests/screenshots.py: a fake `Controls` that records
every intent, and builders for hand-made `CallView`s about the demo's fictional people."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.core.models import AccountResult, Direction, Job, LookupStatus, NoteStatus, Record, RecordType
from app.core.people_search import PeopleFound
from app.core.ports import NewPerson, NewRecordKind
from app.core.reminders import Reminder
from app.core.views import CallState, CallView, DraftView, MissedCall, NoteTarget, PauseFor

T0 = datetime(2025, 3, 4, 14, 2, 0).astimezone()  # 14:02 on this computer's clock

# Numbers of the demo's callers, from the ACMA ranges reserved for fiction.
PRIYA_NUMBER = "+61491570006"
HARBOURLINE_NUMBER = "+61370100200"  # the Harbourline Logistics office: Daniel O'Connor and Mei Lin Chen
UNKNOWN_NUMBER = "+61491570159"


@dataclass
class FakeControls:
    """Records every intent as (method name, args…)."""

    calls: list[tuple[Any, ...]] = field(default_factory=list)
    recent: list[CallView] = field(default_factory=list)
    signed_out: list[tuple[str, str]] = field(default_factory=list)  # (account id, label) needing sign-in
    history: list[CallView] = field(default_factory=list)  # what call_history() answers
    missed: list[MissedCall] = field(default_factory=list)  # what missed_calls() answers
    kept_drafts: list[DraftView] = field(default_factory=list)  # what drafts() answers
    reminder_rows: list[Reminder] = field(default_factory=list)  # what reminders() answers
    paused: bool = False  # what is_paused() answers
    crms: list[str] = field(default_factory=list)  # what people_sources() answers
    # Each search_people call as (text, found); a test answers it by calling found(PeopleFound(...)).
    searches: list[tuple[str, Callable[[PeopleFound], None]]] = field(default_factory=list)
    callers: list[tuple[str, str]] = field(
        default_factory=lambda: [
            ("Priya Raman — contact, Kestrel Software", PRIYA_NUMBER),
            ("Harbourline Logistics office — 2 contacts", HARBOURLINE_NUMBER),
            ("Unknown caller", UNKNOWN_NUMBER),
        ]
    )

    def named(self, name: str) -> list[tuple[Any, ...]]:
        return [c[1:] for c in self.calls if c[0] == name]

    def select_record(self, call_id: str, account_id: str, record_key: str) -> None:
        self.calls.append(("select_record", call_id, account_id, record_key))

    # What save_note's `saved` is told (True: committed); None holds it back, as a write still on its way.
    stores_notes: bool | None = True

    def save_note(self, call_id: str, text: str, record_keys: list[str],
                  saved: Callable[[bool], None] | None = None) -> None:
        self.calls.append(("save_note", call_id, text, list(record_keys)))
        if saved is not None and self.stores_notes is not None:
            saved(self.stores_notes)

    def call_back_later(self, call_id: str, due_at: datetime) -> None:
        self.calls.append(("call_back_later", call_id, due_at))

    def reminders(self) -> list[Reminder]:
        return list(self.reminder_rows)

    def reminder_done(self, reminder_id: int) -> None:
        self.calls.append(("reminder_done", reminder_id))

    def skip_note(self, call_id: str) -> None:
        self.calls.append(("skip_note", call_id))

    def dismiss(self, call_id: str) -> None:
        self.calls.append(("dismiss", call_id))

    def simulate_call(self, number: str, direction: Direction = Direction.INBOUND) -> None:
        self.calls.append(("simulate_call", number, direction))

    def answer(self, call_id: str) -> None:
        self.calls.append(("answer", call_id))

    def hang_up(self, call_id: str) -> None:
        self.calls.append(("hang_up", call_id))

    def card_shown(self, call_id: str) -> None:
        self.calls.append(("card_shown", call_id))

    def set_paused(self, paused: bool) -> None:
        self.calls.append(("set_paused", paused))
        self.paused = paused

    def pause(self, choice: PauseFor) -> None:
        self.calls.append(("pause", choice))
        self.paused = True

    def is_paused(self) -> bool:
        return self.paused

    def recent_calls(self, limit: int = 10) -> list[CallView]:
        return self.recent[:limit]

    def demo_callers(self) -> list[tuple[str, str]]:
        return list(self.callers)

    def dial(self, number: str) -> None:
        self.calls.append(("dial", number))

    def create_record(self, call_id: str, account_id: str, kind: NewRecordKind, person: NewPerson) -> None:
        self.calls.append(("create_record", call_id, account_id, kind, person))

    def create_from_resume(self, call_id: str, account_id: str, path: Path) -> None:
        self.calls.append(("create_from_resume", call_id, account_id, path))

    def sign_in(self, account_id: str) -> None:
        self.calls.append(("sign_in", account_id))

    def accounts_needing_sign_in(self) -> list[tuple[str, str]]:
        return list(self.signed_out)

    def call_history(self, limit: int = 200, search: str = "") -> list[CallView]:
        if search:
            self.calls.append(("call_history", search))
            def words(v: CallView) -> str:
                return " ".join([v.number, *(r.name for r in v.matches), *(r.company for r in v.matches),
                                 *(n.text for n in v.notes)]).lower()
            found = [v for v in self.history if search.lower() in words(v)]
            return found[:limit]
        return self.history[:limit]

    def search_people(self, text: str, found: Callable[[PeopleFound], None]) -> int:
        self.searches.append((text, found))
        return len(self.crms) if len(text.strip()) >= 2 else 0

    def people_sources(self) -> list[str]:
        return list(self.crms)

    def number_problem(self, number: str) -> str | None:
        return None if sum(c.isdigit() for c in number) >= 6 else f"'{number}' is not a phone number."

    def retry_note(self, call_id: str, record_key: str) -> None:
        self.calls.append(("retry_note", call_id, record_key))

    def confirm_note(self, call_id: str, record_key: str) -> None:
        self.calls.append(("confirm_note", call_id, record_key))

    def dismiss_note(self, call_id: str, record_key: str) -> None:
        self.calls.append(("dismiss_note", call_id, record_key))

    def missed_calls(self) -> list[MissedCall]:
        return list(self.missed)

    def count_missed(self, then: Callable[[int], object]) -> None:
        then(len(self.missed))

    def dismiss_missed(self, key: str) -> None:
        self.calls.append(("dismiss_missed", key))

    def keep_draft(self, call_id: str, text: str) -> None:
        self.calls.append(("keep_draft", call_id, text))

    def drafts(self) -> list[DraftView]:
        return list(self.kept_drafts)

    def discard_draft(self, call_id: str) -> None:
        self.calls.append(("discard_draft", call_id))


# -- records and results ------------------------------------------------------------------
# Fictional people of the demo (resources/demo/people.json), as the CRMs would return them.

RW = ("rw", "Recruit Wizard")
TR = ("tr", "TrackerRMS")

RW_WEB = "https://app.recruitwizard.com/secure"
TR_WEB = "https://usevo1.tracker-rms.com"

PRIYA = Record(
    account_id="rw",
    type=RecordType.CONTACT,
    id="533995",
    name="Priya Raman",
    job_title="Head of Engineering",
    company="Kestrel Software",
    link=f"{RW_WEB}/contacts/details.aspx?ContactID=533995",
)


def _kestrel_job(job_id: str, title: str, employment_type: str, suburb: str = "Barangaroo") -> Job:
    return Job(
        id=job_id,
        title=title,
        employer="Kestrel Software",
        location=f"{suburb}, NSW, Australia",
        employment_type=employment_type,
        status="Open",
        link=f"{RW_WEB}/jobs/details.aspx?JobID={job_id}",
    )


PRIYA_JOBS = (
    _kestrel_job("240311", "Senior Backend Engineer (Python)", "Permanent"),
    _kestrel_job("240312", "Platform Engineer", "Contract"),
    _kestrel_job("240327", "QA Test Analyst", "Temporary", suburb="North Sydney"),
)

# Two TrackerRMS contacts share the Harbourline Logistics office line: the recruiter picks one.
HARBOURLINE = (
    Record(
        account_id="tr",
        type=RecordType.CONTACT,
        id="10418",
        name="Daniel O'Connor",
        job_title="Operations Manager",
        company="Harbourline Logistics",
        link=f"{TR_WEB}/contacts/10418",
    ),
    Record(
        account_id="tr",
        type=RecordType.CONTACT,
        id="10419",
        name="Mei Lin Chen",
        job_title="HR Business Partner",
        company="Harbourline Logistics",
        link=f"{TR_WEB}/contacts/10419",
    ),
)

ETHAN = Record(
    account_id="tr",
    type=RecordType.CANDIDATE,
    id="20511",
    name="Ethan Brooks",
    job_title="Senior Software Engineer",
    company="Quokka Digital",
    link=f"{TR_WEB}/resources/20511",
)


def pending(account: tuple[str, str] = RW) -> AccountResult:
    return AccountResult(account_id=account[0], account_label=account[1], status=LookupStatus.PENDING)


def found(
    account: tuple[str, str],
    *records: Record,
    jobs: dict[str, tuple[Job, ...]] | None = None,
    complete: bool = True,
) -> AccountResult:
    return AccountResult(
        account_id=account[0],
        account_label=account[1],
        status=LookupStatus.FOUND,
        records=records,
        jobs=jobs or {},
        complete=complete,
        elapsed_ms=420.0,
    )


def not_found(account: tuple[str, str] = TR) -> AccountResult:
    return AccountResult(account_id=account[0], account_label=account[1], status=LookupStatus.NOT_FOUND, complete=True)


def error(account: tuple[str, str], text: str, *, needs_sign_in: bool = False) -> AccountResult:
    return AccountResult(
        account_id=account[0],
        account_label=account[1],
        status=LookupStatus.ERROR,
        error=text,
        needs_sign_in=needs_sign_in,
        complete=True,
    )


def call(
    *accounts: AccountResult,
    call_id: str = "c1",
    number: str = PRIYA_NUMBER,
    number_display: str = "0491 570 006",
    state: CallState = CallState.RINGING,
    direction: Direction = Direction.INBOUND,
    duration_s: int | None = None,
    selected: dict[str, str] | None = None,
    notes: tuple[NoteTarget, ...] = (),
    can_answer: bool = False,
    invalid_reason: str | None = None,
    started_at: datetime = T0,
) -> CallView:
    answered_at = None
    ended_at = None
    if state in (CallState.ANSWERED, CallState.ENDED):
        answered_at = started_at + timedelta(seconds=6)
    if state is CallState.ENDED:
        ended_at = answered_at + timedelta(seconds=duration_s if duration_s is not None else 252)  # type: ignore[operator]
    if state is CallState.MISSED:
        ended_at = started_at + timedelta(seconds=25)
    return CallView(
        call_id=call_id,
        number=number,
        number_display=number_display,
        e164=None if invalid_reason else number,
        invalid_reason=invalid_reason,
        direction=direction,
        state=state,
        started_at=started_at,
        answered_at=answered_at,
        ended_at=ended_at,
        accounts=accounts,
        selected=selected or {},
        notes=notes,
        can_answer=can_answer,
    )


def with_notes(view: CallView, status: NoteStatus | None, message: str = "") -> CallView:
    targets = tuple(
        NoteTarget(
            account_id=r.account_id,
            account_label=_label_of(view, r.account_id),
            record=r,
            status=status,
            message=message,
        )
        for r in view.chosen()
    )
    return replace(view, notes=targets)


def _label_of(view: CallView, account_id: str) -> str:
    return next(a.account_label for a in view.accounts if a.account_id == account_id)
