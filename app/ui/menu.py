"""The tray menu: Simulate call ▸, Recent calls ▸, Pause pops, Quit.

The same menu (and its actions) serves the system tray icon and, when there is no tray, the
fallback main window's buttons.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from app.core.models import Direction
from app.core.views import CallView, Controls
from app.ui import format as fmt

RECENT_LIMIT = 10


def _round_corners(menu: QMenu) -> None:
    """Let the stylesheet's rounded border show: without this the corners outside it are painted
    square in the menu's background."""
    menu.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
    menu.setWindowFlag(Qt.WindowType.FramelessWindowHint)
    menu.setWindowFlag(Qt.WindowType.NoDropShadowWindowHint)


class TrayMenu(QMenu):
    """Signals:
        pausedChanged(bool)  the recruiter toggled Pause pops (already sent to controls.set_paused)
        quitRequested()      Quit was chosen

    Test accessors: `simulate_menu`, `recent_menu`, `pause_action`, `quit_action`,
    `other_number_action`, `status_action`, `number_dialog` (the open "Other number…" dialog).
    """

    pausedChanged = Signal(bool)
    quitRequested = Signal()

    def __init__(self, controls: Controls, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controls = controls
        self.setObjectName("trayMenu")
        self.number_dialog: QInputDialog | None = None

        self.status_action = self.addAction("Ringside — Ready")
        self.status_action.setEnabled(False)
        self.addSeparator()

        self.simulate_menu = self.addMenu("Simulate call")
        self.simulate_menu.setObjectName("simulateMenu")
        self.simulate_menu.aboutToShow.connect(self.refresh_simulate)
        self.other_number_action = QAction("Other number…", self)
        self.other_number_action.triggered.connect(self.ask_number)

        self.recent_menu = self.addMenu("Recent calls")
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self.refresh_recent)
        for menu in (self, self.simulate_menu, self.recent_menu):
            _round_corners(menu)

        self.addSeparator()
        self.pause_action = self.addAction("Pause pops")
        self.pause_action.setCheckable(True)
        self.pause_action.setToolTip("Don't pop cards or note forms until unpaused")
        self.pause_action.toggled.connect(self._paused)
        self.addSeparator()
        self.quit_action = self.addAction("Quit Ringside")
        self.quit_action.triggered.connect(self.quitRequested)

        self.refresh_simulate()
        self.refresh_recent()

    # -- content -------------------------------------------------------------------------

    def set_status(self, text: str) -> None:
        self.status_action.setText(text)

    def refresh_simulate(self) -> None:
        self.simulate_menu.clear()
        for label, number in self._controls.demo_callers():
            action = self.simulate_menu.addAction(f"{label}\t{fmt.number_text(number)}")
            action.setData(number)
            action.triggered.connect(lambda _checked=False, n=number: self._controls.simulate_call(n))
        self.simulate_menu.addSeparator()
        self.simulate_menu.addAction(self.other_number_action)

    def refresh_recent(self) -> None:
        self.recent_menu.clear()
        views = self._controls.recent_calls(RECENT_LIMIT)
        if not views:
            empty = self.recent_menu.addAction("No calls yet")
            empty.setEnabled(False)
            return
        for view in views:
            action = self.recent_menu.addAction(fmt.recent_call_text(view))
            link = self._link_for(view)
            if link:
                action.setToolTip(f"Open {fmt.caller_name(view)} in the CRM")
                action.triggered.connect(lambda _checked=False, url=link: self._open(url))
            else:
                action.setToolTip(view.number_display)
        self.recent_menu.setToolTipsVisible(True)

    @staticmethod
    def _link_for(view: CallView) -> str | None:
        for record in view.chosen() or list(view.matches):
            if record.link:
                return record.link
        return None

    @staticmethod
    def _open(url: str) -> None:
        QDesktopServices.openUrl(QUrl(url))

    # -- intents -------------------------------------------------------------------------

    def ask_number(self) -> None:
        """Ask for a number to ring from, without blocking the event loop."""
        if self.number_dialog is not None:
            self.number_dialog.raise_()
            self.number_dialog.activateWindow()
            return
        dialog = QInputDialog(self.parentWidget())
        dialog.setObjectName("numberDialog")
        dialog.setWindowTitle("Simulate call")
        dialog.setLabelText("Ring from this number:")
        dialog.setTextValue("")
        dialog.setOkButtonText("Ring")
        dialog.textValueSelected.connect(self._ring_from)
        dialog.finished.connect(self._number_dialog_closed)
        self.number_dialog = dialog
        dialog.open()

    def _ring_from(self, text: str) -> None:
        number = text.strip()
        if number:
            self._controls.simulate_call(number, Direction.INBOUND)

    def _number_dialog_closed(self, _result: int) -> None:
        if self.number_dialog is not None:
            self.number_dialog.deleteLater()
            self.number_dialog = None

    def _paused(self, paused: bool) -> None:
        self._controls.set_paused(paused)
        self.pausedChanged.emit(paused)
