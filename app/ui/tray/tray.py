"""The tray icon and its menu — or, on desktops with no system tray (and always under
QT_QPA_PLATFORM=offscreen), the small fallback `MainWindow` with the same actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QRect, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QSystemTrayIcon

from app.core.tray_enums import TrayState
from app.ui.common.messages import MessageLog
from app.ui.common.style import tray_icon
from app.ui.common.tray_words import tray_tooltip
from app.ui.tray.badge import badged_tray_icon
from app.ui.tray.main_window import MainWindow
from app.ui.tray.menu import TrayMenu
from app.ui.tray.toast import Toast

if TYPE_CHECKING:
    from app.core.views import Controls

BALLOON_MS = 6000


class TrayController(QObject):
    """Owns the menu and either a `QSystemTrayIcon` or the fallback `MainWindow`.

    `use_tray=None` asks Qt whether the desktop has a system tray; tests pass False/True.

    Signals:
        quitRequested()      Quit chosen (or the fallback window closed)
        pausedChanged(bool)  pops paused or resumed (from the menu, or a timed pause ended)

    Test accessors: `menu`, `tray_icon` (None in fallback), `main_window` (None with a tray),
    `using_tray`, `state`, `detail`, `tooltip()`, `toasts`, `missed` (the badge's count).
    """

    quitRequested = Signal()
    pausedChanged = Signal(bool)
    settingsRequested = Signal()  # tray → Settings…
    historyRequested = Signal()  # tray → Recent calls → History and missed calls…

    def __init__(self, controls: Controls | None, parent: QObject | None = None, *, use_tray: bool | None = None,
                 occupied: Callable[[], list[QRect]] | None = None) -> None:
        """`controls=None`: shown while the app behind it is built ("Starting…", only Quit works) until
        `attach(controls)`. `occupied`: the screen rectangles of the cards and forms shown, which
        toasts keep clear of."""
        super().__init__(parent)
        self.messages = MessageLog(self)  # every notice, for the history window's Messages tab
        self._occupied = occupied or list
        self.using_tray = QSystemTrayIcon.isSystemTrayAvailable() if use_tray is None else use_tray
        self.menu = TrayMenu(controls)
        self.menu.quitRequested.connect(self.quitRequested)
        self.menu.pausedChanged.connect(self.pausedChanged)
        self.menu.settingsRequested.connect(self.settingsRequested)
        self.menu.historyRequested.connect(self.historyRequested)
        self.missed = 0  # missed calls awaiting a call back: a badge on the icon
        self.state = TrayState.IDLE.value
        self.detail = ""
        self.toasts: list[Toast] = []
        self.tray_icon: QSystemTrayIcon | None = None
        self.main_window: MainWindow | None = None
        if self.using_tray:
            self.tray_icon = QSystemTrayIcon(tray_icon(self.state), self)
            self.tray_icon.setContextMenu(self.menu)
            self.tray_icon.activated.connect(self._activated)
        else:
            self.main_window = MainWindow(self.menu)
            self.main_window.quitRequested.connect(self.quitRequested)
        self.set_state(self.state, "")

    def attach(self, controls: Controls, occupied: Callable[[], list[QRect]] | None = None) -> None:
        """The app is built: the menu and window work, and show its state."""
        self.menu.attach(controls)
        if occupied is not None:
            self._occupied = occupied
        if self.main_window is not None:
            self.main_window.attached()
        self.set_state(self.state, self.detail)

    def show(self) -> None:
        if self.tray_icon is not None:
            self.tray_icon.show()
        elif self.main_window is not None:
            self.main_window.show()

    def hide(self) -> None:
        if self.tray_icon is not None:
            self.tray_icon.hide()
        elif self.main_window is not None:
            self.main_window.hide()
        for toast in self._live_toasts():
            toast.close()

    def tooltip(self) -> str:
        missed = f"\n{self.missed} missed call(s) to return" if self.missed else ""
        if self.state == TrayState.IDLE.value and self.detail.startswith("Paused"):  # "Paused until 14:45"
            return f"Ringside — {self.detail}{missed}"
        return tray_tooltip(self.state, self.detail) + missed

    def set_state(self, state: str, detail: str) -> None:
        self.state = state
        self.detail = detail
        self.menu.sync_paused()  # a timed pause may just have ended
        if self.menu.starting:
            if self.tray_icon is not None:
                self.tray_icon.setToolTip("Ringside — Starting…")
            return
        tip = self.tooltip()
        self.menu.set_status(tip.splitlines()[0])
        if self.tray_icon is not None:
            self.tray_icon.setIcon(badged_tray_icon(state, self.missed))
            self.tray_icon.setToolTip(tip)
        if self.main_window is not None:
            self.main_window.set_state(state, detail)
            if self.missed:
                icon = badged_tray_icon(state, self.missed)
                self.main_window.icon_label.setPixmap(icon.pixmap(40, 40))
                self.main_window.setWindowIcon(icon)

    def set_missed(self, count: int) -> None:
        """Missed calls not yet returned: a count on the icon (and in the tooltip)."""
        self.menu.missed = count
        if count != self.missed:
            self.missed = count
            self.set_state(self.state, self.detail)

    def show_message(self, text: str, error: bool = False) -> None:
        """A balloon from the tray icon, or a toast (and a line in the window) without one; kept in
        `messages` either way."""
        self.messages.add(text, error=error)
        if self.tray_icon is not None:
            icon = QSystemTrayIcon.MessageIcon.Critical if error else QSystemTrayIcon.MessageIcon.Information
            self.tray_icon.showMessage("Ringside", text, icon, BALLOON_MS)
            return
        if self.main_window is not None:
            self.main_window.show_message(text, error=error)
        self.toasts = self._live_toasts()
        toast = Toast(text, error=error)
        taken = [*self._occupied(), *(t.frameGeometry() for t in self.toasts)]
        self.toasts.append(toast)
        toast.popup(taken)

    def _live_toasts(self) -> list[Toast]:
        return [t for t in self.toasts if shiboken6.isValid(t) and t.isVisible()]

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.menu.popup(QCursor.pos())
