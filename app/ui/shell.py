"""`UiShell`: everything the recruiter sees, wired to a `Bridge`.

One `CallCard` per call id, stacked from the `card_position` corner of the screen's available area
(the part panels and the tray leave free) with the newest — or the call just answered — nearest the
corner. The card of a ringing or live call is never closed by the app: when the stack doesn't fit,
older cards fold to one-line headers (a click unfolds one), and what doesn't fit even folded is
counted on a "+N more" line (card/stack.py). A ringing call takes a card built ahead while nothing
was looking up (card/spare.py), so its first paint only fills it in. Note forms come one at a time
when calls end (note/queue.py), each titled with the caller, with the count of notes still waiting;
neither cards nor forms take the keyboard from the program the recruiter is in. Cards of ended calls
close by themselves once settled: the note form was dealt with and every note logged (a failed note
keeps its card up). The Settings and History windows open on demand (windows.py).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QRect, QTimer, Signal
from PySide6.QtWidgets import QApplication

from app.core.models import NoteStatus
from app.core.outcomes import DEFAULT_OUTCOMES
from app.core.reminders import Reminder
from app.core.views import CallState, CallView, Controls
from app.ui.bridge import Bridge
from app.ui.card.card import CallCard
from app.ui.card.spare import SpareCard
from app.ui.card.stack import CardStack
from app.ui.common.recent import RecentIds
from app.ui.common.style import apply_style
from app.ui.common.widgets import delete_later
from app.ui.note.form import NoteForm
from app.ui.note.queue import NoteQueue
from app.ui.tray.tray import TrayController
from app.ui.windows import OnDemandWindows

if TYPE_CHECKING:  # windows opened on demand are imported then: the tray shows without them
    from app.accounts.backend import SettingsControls
    from app.ui.history.window import HistoryWindow
    from app.ui.settings.window import SettingsWindow
    from app.ui.tray.reminder import ReminderNotice

MAX_ENDED_CARDS = 3  # settled or not, ended calls' cards beyond these close, oldest first
SETTLED_CLOSE_MS = 4000


class UiShell(QObject):
    """Constructor: `UiShell(controls, bridge, parent=None, *, use_tray=None, tray=None)` (`use_tray=None`
    asks Qt whether there is a system tray; `tray`: the one the app already shows while it started,
    taken over). Call `start()` to show the tray or its window.

    Signals:
        quitRequested()   the recruiter chose Quit; the composition root closes the app

    Also: `has_tray`, `show_main()` (a second `ringside` invocation), `close()` (before quitting).

    Test accessors: `tray`, `paused`, `cards()` (newest first), `card(call_id)`,
    `note_form(call_id)`, `note_forms()`, `settings_window`, `card_position`, `history_window`.

    History: `open_history()` (tray → Recent calls → History and missed calls…), `reopen_card(view)`.

    Settings: `open_settings(account_id=None)` (tray → Settings…, or a card's "Sign in again" for a
    password account) when constructed with `settings=`; `set_card_position(position)`.
    """

    quitRequested = Signal()

    def __init__(
        self,
        controls: Controls,
        bridge: Bridge,
        parent: QObject | None = None,
        *,
        use_tray: bool | None = None,
        settled_close_ms: int = SETTLED_CLOSE_MS,
        settings: SettingsControls | None = None,
        tray: TrayController | None = None,
    ) -> None:
        super().__init__(parent)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_style(app)
        self._controls = controls
        self._settled_close_ms = settled_close_ms
        self._cards: dict[str, CallCard] = {}  # oldest first
        self._notes = NoteQueue(controls, lambda: (tuple(settings.current().general.outcomes) if settings
                                                   else DEFAULT_OUTCOMES), self._typed_on_card, self)
        self._notes.formClosed.connect(self._form_closed)
        self._stack = CardStack()
        self._spare = SpareCard(controls, lambda: all(c.view.complete for c in self._cards.values()), self)
        self.more = self._stack.more
        self.more.clicked.connect(self._show_oldest_hidden)
        self._gone = RecentIds()  # recent calls whose card closed: never popped again
        self.paused = False

        def occupied() -> list[QRect]:
            return [w.frameGeometry() for w in [*self._cards.values(), *self._notes.forms()] if w.isVisible()]

        if tray is None:
            tray = TrayController(controls, self, use_tray=use_tray, occupied=occupied)
        else:  # the tray the app showed while this was being built
            tray.setParent(self)
            tray.attach(controls, occupied)
        self.tray = tray
        self.tray.quitRequested.connect(self.quitRequested)
        self.tray.pausedChanged.connect(self._set_paused)
        # Tray → Settings and Tray → Recent calls → History and missed calls: windows opened on demand
        # (windows.py). Cards reopened from history stay up until closed.
        self._windows = OnDemandWindows(controls, settings, self.tray.messages, card_requested=self.reopen_card,
                                        saved=lambda saved: self.set_card_position(saved.general.card_position))
        self.card_position: str = settings.current().general.card_position if settings else "bottom-right"
        self.tray.settingsRequested.connect(lambda: self.open_settings())
        self.tray.menu.settings_action.setVisible(settings is not None)
        if self.tray.main_window is not None:
            self.tray.main_window.settings_button.setVisible(settings is not None)
        # The tray's missed-call badge follows every change the core reports.
        self._reopened: set[str] = set()
        self.tray.historyRequested.connect(lambda: self.open_history())
        bridge.trayStateChanged.connect(lambda _state, _detail: self._history_changed())
        bridge.callUpdated.connect(lambda _view: self._history_changed(missed=False))

        bridge.callUpdated.connect(self.on_call_updated)
        bridge.noteRequested.connect(self._notes.request)
        bridge.trayStateChanged.connect(self.tray.set_state)
        bridge.messagePosted.connect(self.tray.show_message)
        bridge.showRequested.connect(self.show_main)
        bridge.settingsRequested.connect(self.open_settings)
        bridge.reminderDue.connect(self.show_reminder)
        self.reminder_notices: list[ReminderNotice] = []

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        self.tray.show()
        self._history_changed()

    def open_history(self, call_id: str | None = None) -> HistoryWindow:
        """Show the history window (one, kept for next time), refreshed; at `call_id` when given."""
        return self._windows.open_history(call_id)

    @property
    def history_window(self) -> HistoryWindow | None:
        return self._windows.history_window

    def show_reminder(self, reminder: Reminder) -> ReminderNotice:
        """A call-back reminder came due: a notice with Call back, kept in the Messages tab too."""
        from app.ui.tray.reminder import ReminderNotice

        notice = ReminderNotice(self._controls, reminder)
        self.tray.messages.add(notice.text())
        self.reminder_notices = [n for n in self.reminder_notices if shiboken6.isValid(n) and n.isVisible()]
        self.reminder_notices.append(notice)
        notice.popup()
        self._history_changed(missed=False)
        return notice

    def reopen_card(self, view: CallView) -> CallCard:
        """Show a call's card again (from history): it stays until the recruiter closes it."""
        self._gone.discard(view.call_id)
        self._reopened.add(view.call_id)
        card = self._cards.get(view.call_id)
        if card is None:
            card = self._pop(view)
        else:
            card.render(view)
        card.raise_()
        return card

    def _history_changed(self, *, missed: bool = True) -> None:
        if missed:  # counted off the event loop; the badge changes when the count is in
            self._controls.count_missed(self.tray.set_missed)
        if self._windows.history_window is not None:
            self._windows.history_window.schedule_refresh()

    @property
    def has_tray(self) -> bool:
        return self.tray.using_tray

    def open_settings(self, account_id: str | None = None) -> SettingsWindow | None:
        """Show the Settings window (one at a time), at `account_id` when given."""
        return self._windows.open_settings(account_id)

    @property
    def settings_window(self) -> SettingsWindow | None:
        return self._windows.settings_window

    def set_card_position(self, position: str) -> None:
        """Where cards stack: "bottom-right" (the default), "top-right", "bottom-left", "top-left"."""
        self.card_position = position
        self._restack()

    def show_main(self) -> None:
        """Someone started Ringside again: bring the window forward, or point at the tray."""
        window = self.tray.main_window
        if window is not None:
            window.showNormal()
            window.raise_()
            window.activateWindow()
        else:
            self.tray.show_message("Ringside is already running — it lives in the tray.")

    def close(self) -> None:
        self.shutdown()

    def shutdown(self) -> None:
        """Close every window Ringside opened (before the application quits)."""
        self._notes.close_all()
        for card in list(self._cards.values()):
            card.close()
        self.more.close()
        self._spare.close()
        self._windows.close()  # quitting discards unsaved settings, without asking
        self.tray.hide()

    # -- accessors -----------------------------------------------------------------------

    def cards(self) -> list[CallCard]:
        return list(reversed(self._cards.values()))

    def card(self, call_id: str) -> CallCard | None:
        return self._cards.get(call_id)

    def note_form(self, call_id: str) -> NoteForm | None:
        return self._notes.form(call_id)

    def note_forms(self) -> list[NoteForm]:
        return self._notes.forms()

    def note_form_shown(self) -> NoteForm | None:
        """The one note form on screen (the others wait their turn)."""
        return self._notes.shown()

    # -- bridge slots --------------------------------------------------------------------

    def on_call_updated(self, view: CallView) -> None:
        self._spare.seen(view)
        card = self._cards.get(view.call_id)
        if card is not None:
            answered = card.view.state is CallState.RINGING and view.state is CallState.ANSWERED
            card.render(view)
            if answered:
                self.bring_forward(view.call_id)
        elif view.call_id not in self._gone and not self.paused:
            card = self._pop(view)
        form = self._notes.form(view.call_id)
        if form is not None:
            form.update_view(view)
        if card is not None and self._settled(view):
            self._close_later(view.call_id)

    def _pop(self, view: CallView) -> CallCard:
        card = self._spare.take(view)
        card.closed.connect(self._card_closed)
        card.heightChanged.connect(self._restack)
        card.expandRequested.connect(self.bring_forward)
        card.historyRequested.connect(lambda call_id: self.open_history(call_id))
        self._cards[view.call_id] = card
        self._trim(card)
        self._restack()
        card.show()
        return card

    def bring_forward(self, call_id: str) -> None:
        """Put a call's card nearest the corner, unfolded (answered, or its folded line clicked)."""
        card = self._cards.pop(call_id, None)
        if card is not None:
            self._cards[call_id] = card
            self._restack()
            card.raise_()

    def _typed_on_card(self, call_id: str) -> str:
        card = self._cards.get(call_id)
        return card.notes_box.editor.toPlainText() if card is not None else ""

    # -- internals -----------------------------------------------------------------------

    def _set_paused(self, paused: bool) -> None:
        self.paused = paused

    def _settled(self, view: CallView) -> bool:
        if view.state not in (CallState.ENDED, CallState.MISSED) or self._notes.form(view.call_id) is not None:
            return False
        if view.call_id in self._reopened:  # asked for from history: closed by the recruiter only
            return False
        if view.notes:
            return all(n.status is NoteStatus.LOGGED for n in view.notes)
        return self._notes.dealt_with(view.call_id)

    def _close_later(self, call_id: str) -> None:
        QTimer.singleShot(self._settled_close_ms, self, lambda: self._close_if_settled(call_id))

    def _close_if_settled(self, call_id: str) -> None:
        card = self._cards.get(call_id)
        if card is not None and self._settled(card.view):
            card.close()

    def _form_closed(self, call_id: str) -> None:
        card = self._cards.get(call_id)
        if card is not None and self._settled(card.view):
            self._close_later(call_id)

    def _card_closed(self, call_id: str) -> None:
        card = self._cards.pop(call_id, None)
        self._gone.add(call_id)
        if card is not None:
            delete_later(card)
        self._restack()

    def _trim(self, ringing: CallCard) -> None:
        """Close the oldest ended calls' cards beyond MAX_ENDED_CARDS; a live call's card stays. They go
        from the screen at once; deleting them waits until the ringing card has painted."""
        ended = [c for c in self._cards.values() if c.view.state in (CallState.ENDED, CallState.MISSED)
                 and self._notes.form(c.call_id) is None and c.call_id not in self._reopened]
        for oldest in ended[: max(0, len(ended) - MAX_ENDED_CARDS)]:
            self._cards.pop(oldest.call_id, None)
            self._gone.add(oldest.call_id)
            oldest.close()
            ringing.after_paint(partial(delete_later, oldest))

    def _restack(self, _height: int = 0) -> None:
        self._stack.restack(self.cards(), self.card_position)

    def _show_oldest_hidden(self) -> None:
        if self._stack.hidden:
            self.bring_forward(self._stack.hidden[-1])
