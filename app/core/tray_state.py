"""What the tray shows: one state and a line of detail, from everything the switchboard knows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.core.models import NoteStatus
from app.core.session import CallSession
from app.core.views import CallState, TrayState


def tray_state(
    sessions: Sequence[CallSession],
    *,
    outbox_attention: int,
    signed_out: set[str],
    offline: Mapping[str, str],
    presence: Mapping[str, str],
    paused: bool,
) -> tuple[TrayState, str]:
    """A live call outranks a disconnected softphone, which outranks notes or sign-ins needing the
    recruiter; presence (retailCRM status) is appended to whatever the state says."""
    # Failed or unconfirmed notes: of calls in memory, and (from the outbox) of older ones.
    failed = max(outbox_attention, sum(
        p.status in (NoteStatus.FAILED, NoteStatus.UNCONFIRMED) for s in sessions for p in s.notes.values()))
    sign_in = {r.account_label for s in sessions if s.open for r in s.results.values() if r.needs_sign_in}
    sign_in |= signed_out
    if any(s.state is CallState.RINGING for s in sessions):
        state, detail = TrayState.RINGING, "Incoming call"
    elif any(s.state is CallState.ANSWERED for s in sessions):
        state, detail = TrayState.IN_CALL, "In a call"
    elif offline:
        state, detail = TrayState.OFFLINE, "; ".join(sorted(offline.values())) + "; Ringside keeps trying"
    elif failed or sign_in:
        detail = (f"{failed} note(s) need you: failed, or to be checked in the CRM" if failed
                  else f"{', '.join(sorted(sign_in))} needs you to sign in again")
        state = TrayState.ATTENTION
    else:
        state, detail = TrayState.IDLE, "Paused" if paused else "Ready"
    if presence:
        detail += " · " + ", ".join(f"{who}: {what}" for who, what in sorted(presence.items()))
    return state, detail
