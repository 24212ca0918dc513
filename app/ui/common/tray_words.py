"""The tray's words for its states. Apart from format.py (which needs the whole of core), so the
tray can show while the app behind it is still loading."""

from __future__ import annotations

from app.core.tray_enums import TrayState

TRAY_STATE_WORDS = {
    TrayState.IDLE: "Ready",
    TrayState.RINGING: "Ringing",
    TrayState.IN_CALL: "In call",
    TrayState.ATTENTION: "Needs attention",
    TrayState.OFFLINE: "Softphone not connected",
}


def tray_tooltip(state: str, detail: str) -> str:
    try:
        word = TRAY_STATE_WORDS[TrayState(state)]
    except ValueError:
        word = state
    # "Ready" with the detail "Ready" says it once.
    return f"Ringside — {word}" + (f"\n{detail}" if detail and detail != word else "")
