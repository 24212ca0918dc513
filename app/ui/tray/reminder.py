"""The call-back reminder's notification: an on-top box near the tray corner with "Call back"
(dials the number and marks the reminder done) and "Later" (closes it; the call stays on history's
to-call-back list). It stays until answered: a reminder is not a message to miss."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.reminders import Reminder
from app.core.views import Controls
from app.ui.common import format as fmt
from app.ui.common import off_taskbar

NOTICE_WIDTH = 320
MARGIN = 12


class ReminderNotice(QFrame):
    """Test accessors: `reminder`, `text_label`, `call_button`, `later_button`."""

    def __init__(self, controls: Controls, reminder: Reminder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controls = controls
        self.reminder = reminder
        self.setObjectName("reminderNotice")
        self.setWindowFlags(Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint
                            | Qt.WindowType.WindowStaysOnTopHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setFixedWidth(NOTICE_WIDTH)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        caption = QLabel("CALL BACK")
        caption.setObjectName("formCaption")
        self.text_label = QLabel(self.text())
        self.text_label.setObjectName("reminderText")
        self.text_label.setWordWrap(True)
        buttons = QHBoxLayout()
        self.later_button = QPushButton("Later")
        self.later_button.setToolTip("Close; the call stays on history's to-call-back list")
        self.later_button.clicked.connect(self.close)
        self.call_button = QPushButton("Call back")
        self.call_button.setObjectName("saveButton")
        self.call_button.clicked.connect(self.call_back)
        buttons.addStretch(1)
        buttons.addWidget(self.later_button)
        buttons.addWidget(self.call_button)
        layout.addWidget(caption)
        layout.addWidget(self.text_label)
        layout.addLayout(buttons)

    def text(self) -> str:
        r = self.reminder
        who = f"{r.name} · {r.number}" if r.name else r.number
        return f"Time to call {who} back (set for {fmt.local_time(r.due_at)})."

    def call_back(self) -> None:
        self._controls.dial(self.reminder.number)
        self._controls.reminder_done(self.reminder.id)
        self.close()

    def showEvent(self, event: QShowEvent) -> None:
        off_taskbar.before_map(self)
        super().showEvent(event)

    def popup(self) -> None:
        self.adjustSize()
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.move(QPoint(area.right() + 1 - MARGIN - self.width(), area.top() + MARGIN))
        self.show()
