"""`OnDemandWindows`: the Settings and History windows, opened when first asked for.

Their modules are imported only then, so the tray shows without them. Settings is one window at a
time, gone once closed; History is one window kept for next time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from app.core.views import CallView, Controls
from app.ui.common.messages import MessageLog

if TYPE_CHECKING:
    from app.accounts.backend import SettingsControls
    from app.config.settings import Settings
    from app.ui.history.window import HistoryWindow
    from app.ui.settings.window import SettingsWindow


class OnDemandWindows:
    """Constructor: `OnDemandWindows(controls, settings, messages, *, saved, card_requested)`:
    `settings` None means there are no settings to edit; `saved(settings)` follows each save,
    `card_requested(view)` a card asked for from history.

    Also: `settings_window`, `history_window` (None until opened; Settings again once closed),
    `open_settings(account_id=None)`, `open_history(call_id=None)`, `close()`.
    """

    def __init__(self, controls: Controls, settings: SettingsControls | None, messages: MessageLog, *,
                 saved: Callable[[Settings], None], card_requested: Callable[[CallView], object]) -> None:
        self._controls = controls
        self._settings = settings
        self._messages = messages
        self._saved = saved
        self._card_requested = card_requested
        self.settings_window: SettingsWindow | None = None
        self.history_window: HistoryWindow | None = None

    def open_history(self, call_id: str | None = None) -> HistoryWindow:
        """Show the history window (one, kept for next time), refreshed; at `call_id` when given."""
        if self.history_window is None:
            from app.ui.history.window import HistoryWindow

            self.history_window = HistoryWindow(self._controls, messages=self._messages)
            self.history_window.cardRequested.connect(self._card_requested)
        self.history_window.show()
        self.history_window.raise_()
        self.history_window.activateWindow()
        if call_id is not None:
            self.history_window.show_call(call_id)
        return self.history_window

    def open_settings(self, account_id: str | None = None) -> SettingsWindow | None:
        """Show the Settings window (one at a time), at `account_id` when given."""
        if self._settings is None:
            return None
        if self.settings_window is None:
            from app.ui.settings.window import SettingsWindow

            window = SettingsWindow(self._settings)
            window.saved.connect(self._saved)
            window.destroyed.connect(self._settings_closed)
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.settings_window = window
        self.settings_window.show_account(account_id)
        return self.settings_window

    def close(self) -> None:
        """Close both (before quitting: unsaved settings are discarded, without asking)."""
        if self.settings_window is not None:
            self.settings_window.dirty = False
            self.settings_window.close()
        if self.history_window is not None:
            self.history_window.close()

    def _settings_closed(self) -> None:
        self.settings_window = None
