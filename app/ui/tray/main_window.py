"""The small window that stands in for the tray icon when the desktop has no system tray."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.common.style import tray_icon
from app.ui.common.tray_words import tray_tooltip
from app.ui.common.widgets import set_state_property
from app.ui.tray.menu import TrayMenu

MESSAGE_MS = 30_000  # how long the latest message stays under the buttons


class MainWindow(QWidget):
    """State (icon, words, detail), Simulate call ▾, Recent calls ▾, Pause pops, Quit — the tray
    menu's own actions behind buttons. Closing the window quits Ringside: with no tray icon
    there would be nothing left to bring it back.

    Signals:
        quitRequested()

    Test accessors: `menu`, `state_label`, `detail_label`, `icon_label`, `dial_button`, `simulate_button`,
    `recent_button`, `pause_check`, `settings_button`, `quit_button`, `message_label`, `state`.
    """

    quitRequested = Signal()

    def __init__(self, menu: TrayMenu, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.menu = menu
        self.state = "idle"
        self.setObjectName("mainWindow")
        self.setWindowTitle("Ringside")
        self.setWindowIcon(tray_icon("idle"))
        self.setMinimumWidth(340)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(12)

        top = QHBoxLayout()
        top.setSpacing(12)
        self.icon_label = QLabel()
        self.icon_label.setObjectName("stateIcon")
        self.icon_label.setFixedSize(40, 40)
        words = QVBoxLayout()
        words.setSpacing(0)
        self.state_label = QLabel()
        self.state_label.setObjectName("stateLabel")
        self.detail_label = QLabel()
        self.detail_label.setObjectName("stateDetail")
        self.detail_label.setWordWrap(True)
        words.addWidget(self.state_label)
        words.addWidget(self.detail_label)
        top.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(words, 1)
        layout.addLayout(top)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self.simulate_button = QPushButton("Simulate call")
        self.simulate_button.setObjectName("simulateButton")
        self.simulate_button.setMenu(menu.simulate_menu)
        self.recent_button = QPushButton("Recent calls")
        self.recent_button.setObjectName("recentButton")
        self.recent_button.setMenu(menu.recent_menu)
        self.dial_button = QPushButton("Dial…")
        self.dial_button.setObjectName("dialButton")
        self.dial_button.clicked.connect(menu.dial_action.trigger)
        buttons.addWidget(self.dial_button, 1)
        buttons.addWidget(self.simulate_button, 1)
        buttons.addWidget(self.recent_button, 1)
        layout.addLayout(buttons)

        self.message_label = QLabel()
        self.message_label.setObjectName("windowMessage")
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        layout.addWidget(self.message_label)
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self._clear_message)

        bottom = QHBoxLayout()
        self.pause_check = QCheckBox("Pause pops")
        self.pause_check.setObjectName("pauseCheck")
        self.pause_check.setToolTip(menu.pause_action.toolTip())
        self.pause_check.setChecked(menu.pause_action.isChecked())
        self.pause_check.toggled.connect(menu.pause_action.setChecked)
        menu.pause_action.toggled.connect(self.pause_check.setChecked)
        self.settings_button = QPushButton("Settings…")
        self.settings_button.setObjectName("settingsButton")
        self.settings_button.setAutoDefault(False)
        self.settings_button.clicked.connect(menu.settings_action.trigger)
        self.quit_button = QPushButton("Quit")
        self.quit_button.setObjectName("quitButton")
        self.quit_button.clicked.connect(menu.quit_action.trigger)
        bottom.addWidget(self.pause_check, 1)
        bottom.addWidget(self.settings_button, 0)
        bottom.addWidget(self.quit_button, 0)
        layout.addLayout(bottom)

        for button in (self.dial_button, self.simulate_button, self.recent_button, self.quit_button):
            button.setAutoDefault(False)

        self.set_state("idle", "")
        if menu.starting:
            self.set_starting()

    def set_starting(self) -> None:
        """Until the app behind the window is built: say so, and offer only Quit."""
        self.state_label.setText("Starting…")
        self.detail_label.setText("Loading settings and accounts")
        for widget in (self.dial_button, self.simulate_button, self.recent_button, self.pause_check,
                       self.settings_button):
            widget.setEnabled(False)

    def attached(self) -> None:
        for widget in (self.dial_button, self.simulate_button, self.recent_button, self.pause_check,
                       self.settings_button):
            widget.setEnabled(True)

    def set_state(self, state: str, detail: str) -> None:
        self.state = state
        self.icon_label.setPixmap(tray_icon(state).pixmap(40, 40))
        self.state_label.setText(tray_tooltip(state, "").removeprefix("Ringside — "))
        set_state_property(self.state_label, "trayState", state)
        word = self.state_label.text()
        self.detail_label.setText(detail if detail and detail != word else "Waiting for calls")
        self.setWindowIcon(tray_icon(state))
        self.setToolTip(tray_tooltip(state, detail))

    def show_message(self, text: str, *, error: bool = False) -> None:
        """The latest message under the buttons, as tall as it needs, until it expires (the history
        window's Messages tab keeps it)."""
        self.message_label.setText(text)
        set_state_property(self.message_label, "error", error)
        self.message_label.show()
        self._message_timer.start(MESSAGE_MS)
        self.adjustSize()  # the window grows for a message of several lines

    def _clear_message(self) -> None:
        self.message_label.hide()
        self.message_label.clear()
        self.adjustSize()

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        self.quitRequested.emit()
