"""Shared pieces for the widget tests and tests/screenshots.py: a fake `Controls` that records
every intent, and builders for realistic, hand-made `CallView`s."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.core.models import AccountResult, Direction, Job, LookupStatus, NoteStatus, Record, RecordType
from app.core.views import CallState, CallView, NoteTarget

T0 = datetime(2025, 3, 4, 14, 2, 0).astimezone()  # 14:02 on this computer's clock


@dataclass
class FakeControls:
    """Records every intent as (method name, args…)."""

    calls: list[tuple[Any, ...]] = field(default_factory=list)
    recent: list[CallView] = field(default_factory=list)
    callers: list[tuple[str, str]] = field(
        default_factory=lambda: [
            ("Priya Raman — client contact", "+61412345678"),
            ("Sam Taylor — several matches", "+61298765432"),
            ("Unknown caller", "+61390001234"),
        ]
    )

    def named(self, name: str) -> list[tuple[Any, ...]]:
        return [c[1:] for c in self.calls if c[0] == name]

    def select_record(self, call_id: str, account_id: str, record_key: str) -> None:
        self.calls.append(("select_record", call_id, account_id, record_key))

    def save_note(self, call_id: str, text: str, record_keys: list[str]) -> None:
        self.calls.append(("save_note", call_id, text, list(record_keys)))

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

    def recent_calls(self, limit: int = 10) -> list[CallView]:
        return self.recent[:limit]

    def demo_callers(self) -> list[tuple[str, str]]:
        return list(self.callers)


# -- records and results ------------------------------------------------------------------

RW = ("rw", "Recruit Wizard")
JA = ("ja", "JobAdder")

PRIYA = Record(
    account_id="rw",
    type=RecordType.CONTACT,
    id="1042",
    name="Priya Raman",
    job_title="Head of Talent Acquisition",
    company="Atlassian",
    link="https://app.recruitwizard.com/contacts/1042",
)

PRIYA_JOBS = (
    Job(
        id="J-311",
        title="Senior Java Developer",
        employer="Atlassian",
        location="Sydney, NSW",
        link="https://app.recruitwizard.com/jobs/311",
    ),
    Job(
        id="J-318",
        title="Engineering Manager, Jira Cloud",
        employer="Atlassian",
        location="Sydney, NSW",
        link="https://app.recruitwizard.com/jobs/318",
    ),
    Job(
        id="J-322",
        title="Staff Site Reliability Engineer",
        employer="Atlassian",
        location="Remote, AU",
        link="https://app.recruitwizard.com/jobs/322",
    ),
)

SAMS = (
    Record(
        account_id="ja",
        type=RecordType.CANDIDATE,
        id="88121",
        name="Sam Taylor",
        job_title="Senior Business Analyst",
        company="Westpac",
        link="https://app.jobadder.com/candidates/88121",
    ),
    Record(
        account_id="ja",
        type=RecordType.CANDIDATE,
        id="90433",
        name="Samantha Taylor",
        job_title="Payroll Officer",
        company="Woolworths Group",
        link="https://app.jobadder.com/candidates/90433",
    ),
    Record(
        account_id="ja",
        type=RecordType.CONTACT,
        id="5120",
        name="Sam Taylor",
        job_title="IT Delivery Lead",
        company="Telstra",
        link="https://app.jobadder.com/contacts/5120",
    ),
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


def not_found(account: tuple[str, str] = JA) -> AccountResult:
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
    number: str = "+61412345678",
    number_display: str = "0412 345 678",
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
