"""The one door from the switchboard into Qt: each `SwitchboardListener` call becomes a signal.

The switchboard may call from any thread (or from a coroutine on the qasync loop); Qt queues
signals to receivers living in the GUI thread, so widgets only ever see them on the GUI thread.
Nothing reaches a widget except through here.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.core.reminders import Reminder, ReminderListener
from app.core.views import CallView, SwitchboardListener, TrayState, Windows


class Bridge(QObject):
    """A `SwitchboardListener` and `Windows` that re-emits everything as Qt signals.

    Signals:
        callUpdated(CallView)        anything about a call changed
        noteRequested(CallView)      the call ended: open the note form
        trayStateChanged(str, str)   TrayState value, detail text
        messagePosted(str, bool)     text, is_error
        showRequested()              bring the app forward
        settingsRequested(object)    open Settings (at an account id, or None)
        reminderDue(object)          a call-back Reminder's time came
    """

    callUpdated = Signal(object)
    noteRequested = Signal(object)
    trayStateChanged = Signal(str, str)
    messagePosted = Signal(str, bool)
    showRequested = Signal()
    settingsRequested = Signal(object)
    reminderDue = Signal(object)

    def call_updated(self, view: CallView) -> None:
        self.callUpdated.emit(view)

    def note_requested(self, view: CallView) -> None:
        self.noteRequested.emit(view)

    def tray_state_changed(self, state: TrayState, detail: str) -> None:
        self.trayStateChanged.emit(str(state), detail)

    def message(self, text: str, *, error: bool = False) -> None:
        self.messagePosted.emit(text, error)

    def reminder_due(self, reminder: Reminder) -> None:
        self.reminderDue.emit(reminder)

    def show_main(self) -> None:
        self.showRequested.emit()

    def open_settings(self, account_id: str | None) -> bool:
        self.settingsRequested.emit(account_id)
        return True


def _check_protocols(bridge: Bridge) -> tuple[SwitchboardListener, Windows, ReminderListener]:
    # Lets mypy prove Bridge satisfies the protocols.
    return bridge, bridge, bridge
