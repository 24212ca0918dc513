"""Issue 14, point 9: an outbound call ringing says "Calling…", not "Incoming call"."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from app.core.models import Direction
from app.core.tray_state import tray_state
from app.core.views import CallState, TrayState


def ringing(direction: Direction) -> Any:
    return SimpleNamespace(state=CallState.RINGING, direction=direction, notes={}, open=True, results={})


def state(*sessions: Any) -> tuple[TrayState, str]:
    return tray_state(list(sessions), outbox_attention=0, signed_out=set(), offline={}, presence={}, paused=False)


def test_ringing_says_which_way() -> None:
    assert state(ringing(Direction.OUTBOUND)) == (TrayState.RINGING, "Calling…")
    assert state(ringing(Direction.INBOUND)) == (TrayState.RINGING, "Incoming call")
    assert state(ringing(Direction.OUTBOUND), ringing(Direction.INBOUND))[1] == "Incoming call"
    assert state() == (TrayState.IDLE, "Ready")
