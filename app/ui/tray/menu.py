"""The tray menu: Dial…, Simulate call ▸, Recent calls ▸, Settings…, Pause pops ▸ (15 minutes, 1 hour,
until tomorrow 09:00, until resumed), Quit (and "Sign in to … again" at the top while an account
needs it).

The same menu (and its actions) serves the system tray icon and, when there is no tray, the
fallback main window's buttons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from app.core.tray_enums import PauseFor

if TYPE_CHECKING:  # the Dial… window is imported when first opened; core's views once the app is built
    from app.core.views import CallView, Controls
    from app.ui.dial.window import DialDialog

RECENT_LIMIT = 10


def _round_corners(menu: QMenu) -> None:
    """Let the stylesheet's rounded border show: without this the corners outside it are painted
    square in the menu's background."""
    menu.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
    menu.setWindowFlag(Qt.WindowType.FramelessWindowHint)
    menu.setWindowFlag(Qt.WindowType.NoDropShadowWindowHint)


class TrayMenu(QMenu):
    """Signals:
        pausedChanged(bool)  pops were paused or resumed (from the menu, already sent to controls, or
                             by core when a timed pause ended)
        quitRequested()      Quit was chosen
        settingsRequested()  Settings… was chosen
        historyRequested()   Recent calls ▸ History and missed calls… was chosen

    Test accessors: `simulate_menu`, `recent_menu`, `pause_menu`, `pause_for_actions` (by `PauseFor`),
    `pause_action` (until resumed; checked while paused), `resume_action`, `quit_action`,
    `other_number_action`, `status_action`, `number_dialog` (the open "Other number…" dialog),
    `dial_action`, `dial_dialog` (the open Dial… window), `settings_action`, `sign_in_actions`.
    """

    pausedChanged = Signal(bool)
    quitRequested = Signal()
    settingsRequested = Signal()  # Settings… was chosen
    historyRequested = Signal()  # Recent calls ▸ History and missed calls…

    def __init__(self, controls: Controls | None, parent: QWidget | None = None) -> None:
        """`controls=None`: the app behind the menu is still being built; until `attach(controls)` it
        shows "Starting…" and offers only Quit."""
        super().__init__(parent)
        self._late: Controls | None = controls
        self.missed = 0  # missed calls to return, as the tray's badge counts them (History's entry says it)
        self.setObjectName("trayMenu")
        self.number_dialog: QInputDialog | None = None

        self.status_action = self.addAction("Ringside — Ready")
        self.status_action.setEnabled(False)
        self.addSeparator()

        self.dial_dialog: DialDialog | None = None
        self.dial_action = self.addAction("Dial…")
        self.dial_action.setToolTip("Call a number through your dialer (type, paste or pick a recent call)")
        self.dial_action.triggered.connect(lambda _checked=False: self.open_dialer())

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

        self.settings_action = self.addAction("Settings…")
        self.settings_action.setToolTip("Accounts, sign-in and general settings")
        self.settings_action.triggered.connect(self.settingsRequested)
        # "Sign in to … again" for accounts whose sign-in failed, at the top while they need it.
        self.sign_in_actions: list[QAction] = []
        self.aboutToShow.connect(self.refresh_sign_in)

        self.addSeparator()
        # Pause pops ▸ for a while (core resumes them by itself) or until resumed.
        self.pause_menu = self.addMenu("Pause pops")
        self.pause_menu.setObjectName("pauseMenu")
        _round_corners(self.pause_menu)
        self.pause_for_actions: dict[PauseFor, QAction] = {}
        for choice in PauseFor:
            action = self.pause_menu.addAction(f"For {choice.value}" if choice is not PauseFor.TOMORROW
                                               else choice.value.capitalize())
            action.triggered.connect(lambda _checked=False, c=choice: self._pause_for(c))
            self.pause_for_actions[choice] = action
        self.pause_menu.addSeparator()
        self.pause_action = self.pause_menu.addAction("Until I resume")
        self.pause_action.setCheckable(True)
        self.pause_action.setToolTip("Don't pop cards or note forms until unpaused")
        self.pause_action.toggled.connect(self._paused)
        self._syncing = False  # the check mark follows core: not an intent
        self.resume_action = self.addAction("Resume pops")
        self.resume_action.setVisible(False)
        self.resume_action.triggered.connect(lambda _checked=False: self.pause_action.setChecked(False))
        self.addSeparator()
        self.quit_action = self.addAction("Quit Ringside")
        self.quit_action.triggered.connect(self.quitRequested)

        self._starting_actions = [self.dial_action, self.simulate_menu.menuAction(), self.recent_menu.menuAction(),
                                  self.settings_action, self.pause_menu.menuAction()]
        if controls is None:
            for action in self._starting_actions:
                action.setEnabled(False)
            self.set_status("Ringside — Starting…")
        else:
            self.attach(controls)

    @property
    def starting(self) -> bool:
        return self._late is None

    @property
    def _controls(self) -> Controls:
        assert self._late is not None, "the menu's actions are disabled until attach()"
        return self._late

    def attach(self, controls: Controls) -> None:
        """The app behind the menu is built: every action works from now on."""
        self._late = controls
        for action in self._starting_actions:
            action.setEnabled(True)
        self.refresh_simulate()
        self.refresh_recent()

    # -- content -------------------------------------------------------------------------

    def set_status(self, text: str) -> None:
        self.status_action.setText(text)

    def refresh_sign_in(self) -> None:
        if self._late is None:
            return
        for action in self.sign_in_actions:
            self.removeAction(action)
            action.deleteLater()
        self.sign_in_actions = []
        for account_id, account_label in self._controls.accounts_needing_sign_in():
            action = QAction(f"Sign in to {account_label} again…", self)
            action.triggered.connect(lambda _checked=False, a=account_id: self._controls.sign_in(a))
            self.insertAction(self.dial_action, action)
            self.sign_in_actions.append(action)

    def refresh_simulate(self) -> None:
        from app.ui.common import format as fmt

        self.simulate_menu.clear()
        for label, number in self._controls.demo_callers():
            action = self.simulate_menu.addAction(f"{label}\t{fmt.number_text(number)}")
            action.setData(number)
            action.triggered.connect(lambda _checked=False, n=number: self._controls.simulate_call(n))
        self.simulate_menu.addSeparator()
        self.simulate_menu.addAction(self.other_number_action)

    def refresh_recent(self) -> None:
        from app.ui.common import format as fmt

        self.recent_menu.clear()
        views = self._controls.recent_calls(RECENT_LIMIT)
        if not views:
            empty = self.recent_menu.addAction("No calls yet")
            empty.setEnabled(False)
            self._add_history_action()
            return
        for view in views:
            action = self.recent_menu.addAction(fmt.recent_call_text(view))
            link = self._link_for(view)
            if link:
                action.setToolTip(f"Open {fmt.caller_name(view)} in the CRM")
                action.triggered.connect(lambda _checked=False, url=link: self._open(url))
            else:
                action.setToolTip(view.number_display)
        self._add_history_action()
        self.recent_menu.setToolTipsVisible(True)

    def _add_history_action(self) -> None:
        """Last in Recent calls: the history window, saying how many missed calls await a call back."""
        missed = self.missed
        self.recent_menu.addSeparator()
        history = self.recent_menu.addAction(
            f"History and missed calls ({missed} to call back)…" if missed else "History and missed calls…")
        history.setObjectName("historyAction")
        history.triggered.connect(self.historyRequested)

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

    def open_dialer(self, number: str = "") -> DialDialog:
        """Show the Dial… window (one at a time), its number box focused."""
        if self.dial_dialog is None:
            from app.ui.dial.window import DialDialog

            dialog = DialDialog(self._controls, self.parentWidget(), number=number)
            dialog.finished.connect(self._dial_dialog_closed)
            self.dial_dialog = dialog
        elif number:
            self.dial_dialog.number_edit.setText(number)
        self.dial_dialog.show()
        self.dial_dialog.raise_()
        self.dial_dialog.activateWindow()
        self.dial_dialog.number_edit.setFocus()
        return self.dial_dialog

    def _dial_dialog_closed(self, _result: int) -> None:
        if self.dial_dialog is not None:
            self.dial_dialog.deleteLater()
            self.dial_dialog = None

    def _ring_from(self, text: str) -> None:
        from app.core.models import Direction

        number = text.strip()
        if number:
            self._controls.simulate_call(number, Direction.INBOUND)

    def _number_dialog_closed(self, _result: int) -> None:
        if self.number_dialog is not None:
            self.number_dialog.deleteLater()
            self.number_dialog = None

    def _paused(self, paused: bool) -> None:
        self.resume_action.setVisible(paused)
        if self._syncing:
            return
        self._controls.set_paused(paused)
        self.pausedChanged.emit(paused)

    def _pause_for(self, choice: PauseFor) -> None:
        self._controls.pause(choice)
        self.sync_paused()

    def sync_paused(self) -> None:
        """Follow core's pause (a timed one ended, or began): the check mark, Resume and pausedChanged."""
        if self._late is None:
            return
        paused = self._late.is_paused()
        if paused == self.pause_action.isChecked():
            return
        self._syncing = True
        try:
            self.pause_action.setChecked(paused)
        finally:
            self._syncing = False
        self.pausedChanged.emit(paused)
