"""What the tray shows: one state and a line of detail, from the calls in memory, the notes that need
the recruiter, accounts to sign in again, softphones away and the recruiter's status in a CRM."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from app.core.calls import CallBook
from app.core.models import AccountResult, Direction, LookupStatus, NoteStatus
from app.core.session import CallSession
from app.core.views import CallState, SwitchboardListener, TrayState


def tray_state(
    sessions: Sequence[CallSession],
    *,
    outbox_attention: int,
    signed_out: set[str],
    offline: Mapping[str, str],
    presence: Mapping[str, str],
    paused: bool,
    paused_until: str = "",
) -> tuple[TrayState, str]:
    """A live call outranks a disconnected softphone, which outranks notes or sign-ins needing the
    recruiter; presence (retailCRM status) is appended to whatever the state says."""
    # Failed or unconfirmed notes: of calls in memory, and (from the outbox) of older ones.
    failed = max(outbox_attention, sum(
        p.status in (NoteStatus.FAILED, NoteStatus.UNCONFIRMED) for s in sessions for p in s.notes.values()))
    sign_in = {r.account_label for s in sessions if s.open for r in s.results.values() if r.needs_sign_in}
    sign_in |= signed_out
    ringing = [s for s in sessions if s.state is CallState.RINGING]
    if ringing:
        inbound = any(s.direction is Direction.INBOUND for s in ringing)
        state, detail = TrayState.RINGING, "Incoming call" if inbound else "Calling…"
    elif any(s.state is CallState.ANSWERED for s in sessions):
        state, detail = TrayState.IN_CALL, "In a call"
    elif offline:
        state, detail = TrayState.OFFLINE, "; ".join(sorted(offline.values())) + "; Ringside keeps trying"
    elif failed or sign_in:
        detail = (f"{failed} note(s) need you: failed, or to be checked in the CRM" if failed
                  else f"{', '.join(sorted(sign_in))} needs you to sign in again")
        state = TrayState.ATTENTION
    else:
        state, detail = TrayState.IDLE, (f"Paused {paused_until}".strip() if paused else "Ready")
    if presence:
        detail += " · " + ", ".join(f"{who}: {what}" for who, what in sorted(presence.items()))
    return state, detail


class NoteAttention(Protocol):
    """The outbox's count of failed or unconfirmed notes."""

    @property
    def attention(self) -> int: ...


class TrayStatus:
    """Keeps what the tray's state is derived from beyond the calls, and tells the listener."""

    def __init__(self, listener: SwitchboardListener, book: CallBook, notes: NoteAttention) -> None:
        self._listener = listener
        self._book = book
        self._notes = notes
        self._offline: dict[str, str] = {}  # softphone source name -> what is not connected
        self._presence: dict[str, str] = {}  # e.g. "retailCRM" -> "Busy": shown with the tray's state
        # Accounts whose sign-in failed stay flagged after their call ends, until a lookup works or
        # they sign in again.
        self._signed_out: dict[str, str] = {}  # account id -> label

    def refresh(self) -> None:
        """Tell the UI the tray's state now."""
        state, detail = tray_state(
            self._book.sessions(), outbox_attention=self._notes.attention,
            signed_out=set(self._signed_out.values()), offline=self._offline, presence=self._presence,
            paused=self._book.paused, paused_until=self._book.paused_until)
        self._listener.tray_state_changed(state, detail)

    def softphone_status(self, name: str, connected: bool, detail: str = "") -> None:
        """A softphone source connected or went away: the tray says so while one is away."""
        if connected:
            self._offline.pop(name, None)
        else:
            self._offline[name] = detail or f"{name} is not connected"
        self.refresh()

    def set_presence(self, who: str, status: str | None) -> None:
        """A CRM told us the recruiter's status there (retailCRM: Free, Busy…); None clears it."""
        if status:
            self._presence[who] = status
        else:
            self._presence.pop(who, None)
        self.refresh()

    def looked_up(self, result: AccountResult) -> None:
        """An account answered a lookup: flag it when it needs sign-in, unflag it when it worked."""
        if result.needs_sign_in:
            self._signed_out[result.account_id] = result.account_label
        elif result.status in (LookupStatus.FOUND, LookupStatus.NOT_FOUND):
            self._signed_out.pop(result.account_id, None)

    def signed_in(self, account_id: str | None) -> None:
        """An account's sign-in was redone (None: all of them): stop flagging it until it fails again."""
        if account_id is None:
            self._signed_out.clear()
        else:
            self._signed_out.pop(account_id, None)
        self.refresh()

    def accounts_needing_sign_in(self) -> list[tuple[str, str]]:
        return sorted(self._signed_out.items(), key=lambda item: item[1])
