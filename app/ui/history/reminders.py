"""The history window's call-back reminders ("Call back in…" from the note form): each with when it
is due, Call back (dials) and Done (off the list, remembered across restarts). A reminder whose time
has come is marked due."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.reminders import Reminder
from app.core.views import Controls
from app.ui.common.widgets import label


def due_text(reminder: Reminder, now: datetime) -> str:
    """"due now" once its time came, else "at 09:00 Wed 3 Dec"."""
    if reminder.due_at <= now:
        return "due now"
    local = reminder.due_at.astimezone()
    return f"at {local.strftime('%H:%M')} {local.strftime('%a')} {local.day} {local.strftime('%b')}"


class ReminderRow(QWidget):
    """Test accessors: `reminder`, `text_label`, `call_button`, `done_button`."""

    def __init__(self, controls: Controls, reminder: Reminder, now: datetime) -> None:
        super().__init__()
        self.reminder = reminder
        self.setObjectName("reminderRow")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 2)
        who = f"{reminder.name} · {reminder.number}" if reminder.name else reminder.number
        self.text_label = QLabel(f"{who} — {due_text(reminder, now)}")
        self.text_label.setObjectName("reminderDue" if reminder.due_at <= now else "reminderText")
        self.call_button = QPushButton("Call back")
        self.call_button.clicked.connect(lambda: controls.dial(reminder.number))
        self.done_button = QPushButton("Done")
        self.done_button.setToolTip("Called back: take it off the list")
        self.done_button.clicked.connect(lambda: controls.reminder_done(reminder.id))
        row.addWidget(self.text_label, 1)
        row.addWidget(self.call_button)
        row.addWidget(self.done_button)


class ReminderList(QFrame):
    """Test accessors: `rows`."""

    def __init__(self, controls: Controls, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controls = controls
        self.rows: list[ReminderRow] = []
        self.setObjectName("remindersBox")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._layout.addWidget(label("REMINDERS — TO CALL BACK", name="formCaption"))
        self.setVisible(False)

    def show_reminders(self, reminders: list[Reminder], now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        for row in self.rows:
            row.hide()
            row.deleteLater()
        self.rows = [ReminderRow(self._controls, r, now) for r in reminders]
        for row in self.rows:
            self._layout.addWidget(row)
        self.setVisible(bool(self.rows))



