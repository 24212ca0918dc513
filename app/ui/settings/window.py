"""Tray → Settings: Accounts and General in one window; Save writes config.toml and the running app
uses it at once (no restart). Closing with unsaved changes asks whether to save them."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.accounts.backend import Outcome, SettingsControls
from app.config.settings import Settings
from app.ui.common.widgets import label, set_state_property
from app.ui.settings.accounts_page import AccountsPage
from app.ui.settings.general_page import GeneralPage


class SettingsWindow(QWidget):
    """Construct with the app's `SettingsControls`; `show_account(id)` opens it at an account.

    Signals:
        saved(object)   the Settings now in use (the shell applies the card position)

    Test accessors: `tabs`, `accounts_page`, `general_page`, `save_button`, `close_button`,
    `message_label`, `dirty`, `close_prompt` (the open "save changes?" question).
    """

    saved = Signal(object)

    def __init__(self, controls: SettingsControls, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controls = controls
        self._settings = controls.current()
        self.dirty = False
        self.saving = False
        self.close_prompt: QMessageBox | None = None
        self._closing_after_save = False
        self.setObjectName("settingsWindow")
        self.setWindowTitle("Ringside settings")
        self.resize(760, 560)

        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.accounts_page = AccountsPage(controls, list(self._settings.accounts))
        self.general_page = GeneralPage(controls, self._settings.general)
        self.tabs.addTab(self.accounts_page, "Accounts")
        self.tabs.addTab(self.general_page, "General")
        layout.addWidget(self.tabs, 1)

        bottom = QHBoxLayout()
        self.message_label = label(name="settingsMessage", wrap=True)
        bottom.addWidget(self.message_label, 1)
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("saveButton")
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("closeSettingsButton")
        self.close_button.clicked.connect(self.close)
        for button in (self.save_button, self.close_button):
            button.setAutoDefault(False)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)

        self.accounts_page.changed.connect(self._changed)
        self.general_page.changed.connect(self._changed)
        self.dirty = False
        self.save_button.setEnabled(False)
        self.accounts_page.refresh_states()

    def show_account(self, account_id: str | None) -> None:
        if account_id:
            self.tabs.setCurrentWidget(self.accounts_page)
            self.accounts_page.select(account_id)
        self.show()
        self.raise_()
        self.activateWindow()

    # -- saving ------------------------------------------------------------------------------------------

    def settings(self) -> tuple[Settings | None, str]:
        """The settings as edited, or (None, what to fix)."""
        accounts, problems = self.accounts_page.accounts()
        general = self.general_page.values()
        if general is None:
            problems.append("General: pick a default country from the list")
        if problems:
            return None, "Fix these first: " + "; ".join(problems) + "."
        assert general is not None
        return self._settings.model_copy(update={"accounts": accounts, "general": general}), ""

    def save(self) -> None:
        settings, problem = self.settings()
        if settings is None:
            self._say(problem, error=True)
            return
        self.saving = True
        self.save_button.setEnabled(False)
        self._say("Saving…")
        self._controls.save(settings, lambda outcome: self._saved(settings, outcome))

    def _saved(self, settings: Settings, outcome: Outcome) -> None:
        if not shiboken6.isValid(self):
            return
        self.saving = False
        self._say(outcome.message, error=not outcome.ok)
        if not outcome.ok:
            self.save_button.setEnabled(True)
            return
        self._settings = settings
        self.dirty = False
        for editor in self.accounts_page.editors():
            editor.saved = True
        self.saved.emit(settings)
        if self._closing_after_save:
            self.close()

    def _changed(self) -> None:
        self.dirty = True
        self.save_button.setEnabled(not self.saving)
        self._say("")

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message_label.setText(text)
        set_state_property(self.message_label, "error", error)

    # -- closing -----------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.saving:  # a save is under way; it closes the window when asked to
            event.ignore()
            return
        if not self.dirty:
            super().closeEvent(event)
            return
        event.ignore()
        if self.close_prompt is not None:
            self.close_prompt.raise_()
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes", "Save your changes to the settings?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("closePrompt")
        box.finished.connect(self._close_answered)
        self.close_prompt = box
        box.open()

    def _close_answered(self, _result: int) -> None:
        box = self.close_prompt
        self.close_prompt = None
        if box is None:
            return
        clicked = box.clickedButton()
        choice = box.standardButton(clicked) if clicked is not None else QMessageBox.StandardButton.Cancel
        box.deleteLater()
        if choice == QMessageBox.StandardButton.Save:
            self._closing_after_save = True
            self.save()
            if not self.saving:  # it could not be saved: say why and stay open
                self._closing_after_save = False
        elif choice == QMessageBox.StandardButton.Discard:
            self.dirty = False
            self.close()
