"""What the UI shows and what it may ask for: the whole contract between core and widgets.

The switchboard publishes immutable views to a `SwitchboardListener` (in the app, `ui.bridge`
turns each call into a Qt signal). Widgets render views and call `Controls` methods; they never
reach into sessions, connectors or storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from app.core.models import AccountResult, Direction, LookupStatus, NoteStatus, Record


class CallState(StrEnum):
    RINGING = "ringing"
    ANSWERED = "answered"
    ENDED = "ended"  # answered, then hung up
    MISSED = "missed"  # hung up without being answered


class TrayState(StrEnum):
    IDLE = "idle"
    RINGING = "ringing"
    IN_CALL = "in_call"
    ATTENTION = "attention"  # a note failed, or an account needs sign-in


@dataclass(frozen=True)
class NoteTarget:
    """One place a note can be logged: a record in one account, and how that went."""

    account_id: str
    account_label: str
    record: Record
    status: NoteStatus | None = None  # None: not saved yet
    message: str = ""


@dataclass(frozen=True)
class CallView:
    call_id: str
    number: str  # as received
    number_display: str  # formatted for humans, or the raw text when it is not a number
    e164: str | None  # None when the number could not be understood
    invalid_reason: str | None
    direction: Direction
    state: CallState
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    accounts: tuple[AccountResult, ...] = ()
    selected: dict[str, str] = field(default_factory=dict)  # account id -> chosen record key
    notes: tuple[NoteTarget, ...] = ()
    can_answer: bool = False  # the call's source can answer / hang up (simulator, softphone)

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

    def chosen(self) -> list[Record]:
        """The record per account the call is about: the pick, or the only match."""
        out: list[Record] = []
        for result in self.accounts:
            if result.status is not LookupStatus.FOUND:
                continue
            key = self.selected.get(result.account_id)
            if key is None and len(result.records) == 1:
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


class Controls(Protocol):
    """Intents the UI may send."""

    def select_record(self, call_id: str, account_id: str, record_key: str) -> None: ...
    def save_note(self, call_id: str, text: str, record_keys: list[str]) -> None: ...
    def skip_note(self, call_id: str) -> None: ...
    def dismiss(self, call_id: str) -> None: ...
    def simulate_call(self, number: str, direction: Direction = Direction.INBOUND) -> None: ...
    def answer(self, call_id: str) -> None: ...
    def hang_up(self, call_id: str) -> None: ...
    def card_shown(self, call_id: str) -> None:
        """The card for this call has been painted (for timings)."""

    def set_paused(self, paused: bool) -> None: ...
    def recent_calls(self, limit: int = 10) -> list[CallView]: ...
    def demo_callers(self) -> list[tuple[str, str]]:
        """(label, number) pairs for tray → Simulate call."""
