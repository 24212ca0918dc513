"""The tray's states and pause choices: plain enums in a module of their own, so the tray can show
while the rest of core is still being imported."""

from __future__ import annotations

from enum import StrEnum


class PauseFor(StrEnum):
    """How long tray → Pause pops holds (pops resume by themselves after it)."""

    QUARTER_HOUR = "15 minutes"
    HOUR = "1 hour"
    TOMORROW = "until tomorrow 09:00"


class TrayState(StrEnum):
    IDLE = "idle"
    RINGING = "ringing"
    IN_CALL = "in_call"
    ATTENTION = "attention"  # a note failed, or an account needs sign-in
    OFFLINE = "offline"  # a softphone Ringside listens to is not connected
