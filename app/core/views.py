"""What the UI shows and what it may ask for: the whole contract between core and widgets.

The switchboard publishes immutable views to a `SwitchboardListener` (in the app, `ui.bridge`
turns each call into a Qt signal). Widgets render views and call `Controls` methods; they never
reach into sessions, connectors or storage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from app.core.caller_place import CallerPlace
from app.core.models import AccountResult, Direction, LookupStatus, NoteStatus, Record
from app.core.people_search import PeopleFound
from app.core.phone import NumberKind
from app.core.ports import NewPerson, NewRecordKind
from app.core.reminders import Reminder
from app.core.same_person import ambiguous
from app.core.tray_enums import PauseFor as PauseFor
from app.core.tray_enums import TrayState as TrayState


class CallState(StrEnum):
    RINGING = "ringing"
    ANSWERED = "answered"
    ENDED = "ended"  # answered, then hung up
    MISSED = "missed"  # hung up without being answered


@dataclass(frozen=True)
class NoteTarget:
    """One place a note can be logged: a record in one account, and how that went."""

    account_id: str
    account_label: str
    record: Record
    status: NoteStatus | None = None  # None: not saved yet
    message: str = ""
    text: str = ""  # the note as saved (history views carry it, so it can be edited before it goes)


@dataclass(frozen=True)
class MissedCall:
    """A number whose missed inbound calls nobody has returned yet (the callback list)."""

    key: str  # what `Controls.dismiss_missed` names: the E.164 number, or the raw text
    number: str
    number_display: str
    e164: str | None  # None: not a number that can be called back
    count: int  # missed calls from it since it was last answered or called
    last_at: datetime
    call_id: str  # the latest of them
    name: str = ""  # who it is, when a CRM knew the number
    account_label: str = ""


@dataclass(frozen=True)
class DraftView:
    """A note typed but not saved (`Controls.drafts`): during a call, a form closed with text in it,
    or an auto-logged note that waits for a pick in `needs_pick` (account labels)."""

    call_id: str
    text: str
    updated_at: datetime
    needs_pick: tuple[str, ...] = ()


class CreateStatus(StrEnum):
    WORKING = "working"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class Creatable:
    """What an account can create from a card, each kind named as the account names it
    ("Candidate" where TrackerRMS says "Resource")."""

    kinds: tuple[tuple[NewRecordKind, str], ...] = ()  # (kind, label), in the order buttons show
    from_resume: bool = False  # a CV file dropped on the card becomes a candidate

    def label(self, kind: NewRecordKind) -> str:
        return next((text for k, text in self.kinds if k is kind), kind.value.capitalize())


@dataclass(frozen=True)
class Creation:
    """The latest record created from this call in one account (a Create form, a dropped CV)."""

    account_id: str
    kind: NewRecordKind
    subject: str  # what was asked for: "Jane Selby", or the CV's file name
    status: CreateStatus
    message: str  # "Creating Jane Selby in TrackerRMS…", what was created, or what went wrong
    seq: int = 0  # grows with every create, so a form knows the answer to its own Save
    exists: bool = False  # the CRM already has this person and won't overwrite them
    from_resume: bool = False


@dataclass(frozen=True)
class LastCall:
    """The latest earlier call with the same number, from Ringside's own history (shown on the
    ringing card before any CRM answers)."""

    call_id: str
    started_at: datetime
    direction: Direction
    state: CallState
    duration_s: int
    note: str  # the first line of its note, "" when it has none
    earlier: int  # how many calls with the number came before that one

    def text(self, now: datetime) -> str:
        """"Tue 2 Dec · 4 min in · 'Sending Ethan's CV Friday'", dated in `now`'s time zone."""
        parts = [_when(self.started_at.astimezone(now.tzinfo), now), self._how()]
        if self.note:
            note = self.note if len(self.note) <= 60 else self.note[:59].rstrip() + "…"
            parts.append(f"'{note}'")
        return " · ".join(parts)

    def earlier_text(self) -> str:
        """"and 3 earlier calls"; "" when it was the first."""
        return f"and {self.earlier} earlier call{'s' if self.earlier != 1 else ''}" if self.earlier else ""

    def _how(self) -> str:
        way = "in" if self.direction is Direction.INBOUND else "out"
        if self.state is CallState.MISSED or (self.duration_s == 0 and self.state is not CallState.ENDED):
            return "missed" if self.direction is Direction.INBOUND else "no answer"
        if self.duration_s < 60:
            return f"{self.duration_s} s {way}"
        return f"{round(self.duration_s / 60)} min {way}"


def _when(at: datetime, now: datetime) -> str:
    days = (now.date() - at.date()).days
    if days == 0:
        return f"Today {at:%H:%M}"
    if days == 1:
        return f"Yesterday {at:%H:%M}"
    date = f"{at:%a} {at.day} {at:%b}"
    return date if at.year == now.year else f"{date} {at.year}"


@dataclass(frozen=True)
class CallView:
    call_id: str
    number: str  # as received
    number_display: str  # formatted for humans, or the raw text when it is not a number
    e164: str | None  # None when there is no number to look up (withheld, extension, unreadable)
    invalid_reason: str | None  # why no CRM was asked: "The caller's number is withheld." …
    direction: Direction
    state: CallState
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    accounts: tuple[AccountResult, ...] = ()
    selected: dict[str, str] = field(default_factory=dict)  # account id -> chosen record key
    notes: tuple[NoteTarget, ...] = ()
    can_answer: bool = False  # the call's source can answer / hang up (simulator, softphone)
    manual: bool = False  # placed through a dialer that reports nothing (Puzzel, tel:): the buttons record it
    creatable: dict[str, Creatable] = field(default_factory=dict)  # account id -> what its card may create
    creations: dict[str, Creation] = field(default_factory=dict)  # account id -> latest create from this call
    unlinked: dict[str, str] = field(default_factory=dict)  # record key -> why a note can't be linked to it
    number_kind: NumberKind = NumberKind.NUMBER  # withheld and extension-only callers say so
    draft: str = ""  # the note typed so far and not yet saved (the card's notes box, a form closed unsaved)
    last_call: LastCall | None = None  # the previous call with this number (ringing card, from history)
    place: CallerPlace | None = None  # the caller's country and time zones, from the number

    @property
    def duration_s(self) -> int:
        if self.answered_at is None:
            return 0
        end = self.ended_at or datetime.now(self.answered_at.tzinfo)
        return max(0, int((end - self.answered_at).total_seconds()))

    @property
    def complete(self) -> bool:
        return all(a.complete for a in self.accounts)

    @property
    def matches(self) -> tuple[Record, ...]:
        return tuple(r for a in self.accounts for r in a.records)

    def needs_pick(self) -> list[AccountResult]:
        """Accounts whose match is not settled (several records, or a guess) and nothing picked."""
        return [a for a in self.accounts if ambiguous(a, self.selected.get(a.account_id))]

    def chosen(self) -> list[Record]:
        """The record per account the call is about: the pick, or the only match (never a guess: a
        record described as one of several matches, see `Record.one_of`)."""
        out: list[Record] = []
        for result in self.accounts:
            if result.status is not LookupStatus.FOUND:
                continue
            key = self.selected.get(result.account_id)
            if key is None and len(result.records) == 1 and result.records[0].one_of <= 1:
                key = result.records[0].key
            out.extend(r for r in result.records if r.key == key)
        return out


class SwitchboardListener(Protocol):
    def call_updated(self, view: CallView) -> None:
        """Anything about a call changed (new call, state, an account answered, a pick)."""

    def note_requested(self, view: CallView) -> None:
        """The call ended: show the note form (not sent when auto-log is on or pops are paused)."""

    def tray_state_changed(self, state: TrayState, detail: str) -> None: ...

    def message(self, text: str, *, error: bool = False) -> None:
        """Something the recruiter should know that belongs to no card (bad event, config)."""


class Windows(Protocol):
    """What the running app, not a call, may ask of the UI's windows (app/ui/bridge.py turns these
    into signals the shell acts on)."""

    def show_main(self) -> None:
        """Another `ringside` was started: bring Ringside forward."""

    def open_settings(self, account_id: str | None) -> bool:
        """Open Settings at this account (its password or key must be typed again); False when there
        are no windows to open (a headless run)."""


class Controls(Protocol):
    """Intents the UI may send."""

    def select_record(self, call_id: str, account_id: str, record_key: str) -> None: ...
    def save_note(self, call_id: str, text: str, record_keys: list[str],
                  saved: Callable[[bool], None] | None = None) -> object:
        """Log the note to these records. Written off the event loop: `saved(True)` once it is committed,
        `saved(False)` when it was not (a full or read-only disk; the recruiter has been told why, and
        the text is kept as the call's draft where the disk allows)."""
    def skip_note(self, call_id: str) -> None: ...
    def dismiss(self, call_id: str) -> None: ...
    def simulate_call(self, number: str, direction: Direction = Direction.INBOUND) -> None: ...
    def answer(self, call_id: str) -> None: ...
    def hang_up(self, call_id: str) -> None: ...
    def card_shown(self, call_id: str) -> None:
        """The card for this call has been painted (for timings)."""

    def set_paused(self, paused: bool) -> None:
        """Pause pops until resumed (True), or resume them (False)."""

    def pause(self, choice: PauseFor) -> None:
        """Pause pops for a while: they resume by themselves (the tray says until when)."""

    def is_paused(self) -> bool:
        """Pops are paused now (a timed pause that ended is not)."""

    def recent_calls(self, limit: int = 10) -> list[CallView]: ...
    def demo_callers(self) -> list[tuple[str, str]]:
        """(label, number) pairs for tray → Simulate call."""

    def dial(self, number: str) -> None:
        """Call this number through the configured dialer (tray → Dial…, Call back, history); the
        outbound call's card pops at once; a refusal (bad number, no dialer, …) comes as a message."""

    def number_problem(self, number: str) -> str | None:
        """Why `number` can't be dialled as typed ("not a phone number: …"), or None when it can
        (the Dial window says so beside the box instead of closing)."""

    def search_people(self, text: str, found: Callable[[PeopleFound], None]) -> int:
        """Find people by name in every CRM that offers a search (the Dial window). Each account's
        answer (or why it failed) goes to `found` as it comes; a new search cancels the previous one.
        Returns how many accounts were asked: 0 when the text is too short or no CRM can search."""

    def people_sources(self) -> list[str]:
        """The labels of the accounts a people search asks."""

    def create_record(self, call_id: str, account_id: str, kind: NewRecordKind, person: NewPerson) -> None:
        """Create a record for this call's caller (the Create contact / candidate / lead forms)."""

    def create_from_resume(self, call_id: str, account_id: str, path: Path) -> None:
        """Create a candidate from a CV file dropped on the card (after the recruiter confirmed)."""

    def sign_in(self, account_id: str) -> None:
        """The "Sign in again" button (card, tray): the browser sign-in for an OAuth account, then its
        connector is rebuilt; Settings for a password or API key. Other accounts are unaffected."""

    def accounts_needing_sign_in(self) -> list[tuple[str, str]]:
        """(account id, label) of accounts whose sign-in failed and was not redone yet."""

    # -- history, notes after the fact, missed calls (ui/history.py) --------------------------------
    # save_note also works for a call no longer in memory: it is logged as of that call (its own
    # direction, start time and duration), which is how a call never noted is logged afterwards.

    def call_history(self, limit: int = 200, search: str = "") -> list[CallView]:
        """Past and current calls, newest first, with their notes as stored (texts included); with
        `search`, only calls whose number, matched name or company, or note text holds it."""

    # The intents below that write return what core awaits (the UI ignores it); their outcome reaches
    # the UI as a tray refresh or a message, once committed.

    def retry_note(self, call_id: str, record_key: str) -> object:
        """Send a failed note again; for an unconfirmed one: the recruiter checked, it isn't there."""

    def confirm_note(self, call_id: str, record_key: str) -> object:
        """An unconfirmed note: the recruiter found it in the CRM, so it is logged (never resent)."""

    def dismiss_note(self, call_id: str, record_key: str) -> object:
        """Give up on a failed note: it stays in history but stops asking for attention."""

    def keep_draft(self, call_id: str, text: str) -> object:
        """What is typed in a card's notes box or a note form closed unsaved: kept in the database
        (the card calls it debounced as the recruiter types, and at hang-up)."""

    def drafts(self) -> list[DraftView]:
        """Notes not yet saved, newest first: drafts and auto-logged notes that need a pick."""

    def discard_draft(self, call_id: str) -> object:
        """The recruiter threw a draft away (from history)."""

    def missed_calls(self) -> list[MissedCall]:
        """The callback list: missed inbound calls not yet returned (by a call back or a later
        answered call) nor dismissed, one entry per number, newest first."""

    def count_missed(self, then: Callable[[int], object]) -> None:
        """How many entries `missed_calls` would list, handed to `then` once read (the tray's badge,
        asked after every change). Returns at once: the read waits for the writes queued before it off
        the event loop. Asked again while a count is being read, it is read once more after that one."""

    def dismiss_missed(self, key: str) -> object:
        """Take a number off the callback list (remembered across restarts)."""

    def call_back_later(self, call_id: str, due_at: datetime) -> object:
        """The note form's "Call back in…": a reminder at `due_at`, kept across restarts."""

    def reminders(self) -> list[Reminder]:
        """Reminders not yet done, soonest first (history's to-call-back list)."""

    def reminder_done(self, reminder_id: int) -> object:
        """The recruiter called back (the list's Done button): off the list."""
