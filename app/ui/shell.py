"""`UiShell`: everything the recruiter sees, wired to a `Bridge`.

One `CallCard` per call id, at most `MAX_CARDS` on screen, stacked upward from the bottom-right
corner with the newest nearest the tray; a `NoteForm` when a call ends; the tray (or its fallback
window) showing state and messages. Cards of ended calls close by themselves once settled: the
note form was dealt with and every note logged (a failed note keeps its card up).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from app.core.models import NoteStatus
from app.core.views import CallState, CallView, Controls
from app.ui.bridge import Bridge
from app.ui.card import CallCard
from app.ui.note_form import NoteForm
from app.ui.style import apply_style
from app.ui.tray import TrayController

MAX_CARDS = 3
CARD_GAP = 8
SETTLED_CLOSE_MS = 4000


class UiShell(QObject):
    """Constructor: `UiShell(controls, bridge, parent=None, *, use_tray=None)` (`use_tray=None`
    asks Qt whether there is a system tray). Call `start()` to show the tray or its window.

    Signals:
        quitRequested()   the recruiter chose Quit; the composition root closes the app

    Also: `has_tray`, `show_main()` (a second `ringside` invocation), `close()` (before quitting).

    Test accessors: `tray`, `paused`, `cards()` (newest first), `card(call_id)`,
    `note_form(call_id)`, `note_forms()`.
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
    ) -> None:
        super().__init__(parent)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_style(app)
        self._controls = controls
        self._settled_close_ms = settled_close_ms
        self._cards: dict[str, CallCard] = {}  # oldest first
        self._forms: dict[str, NoteForm] = {}
        self._gone: set[str] = set()  # calls whose card closed: never popped again
        self._forms_done: set[str] = set()
        self.paused = False

        self.tray = TrayController(controls, self, use_tray=use_tray)
        self.tray.quitRequested.connect(self.quitRequested)
        self.tray.pausedChanged.connect(self._set_paused)

        bridge.callUpdated.connect(self.on_call_updated)
        bridge.noteRequested.connect(self.on_note_requested)
        bridge.trayStateChanged.connect(self.tray.set_state)
        bridge.messagePosted.connect(self.tray.show_message)

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        self.tray.show()

    @property
    def has_tray(self) -> bool:
        return self.tray.using_tray

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
        for form in list(self._forms.values()):
            form.hide()
            form.deleteLater()
        self._forms.clear()
        for card in list(self._cards.values()):
            card.close()
        self.tray.hide()

    # -- accessors -----------------------------------------------------------------------

    def cards(self) -> list[CallCard]:
        return list(reversed(self._cards.values()))

    def card(self, call_id: str) -> CallCard | None:
        return self._cards.get(call_id)

    def note_form(self, call_id: str) -> NoteForm | None:
        return self._forms.get(call_id)

    def note_forms(self) -> list[NoteForm]:
        return list(self._forms.values())

    # -- bridge slots --------------------------------------------------------------------

    def on_call_updated(self, view: CallView) -> None:
        card = self._cards.get(view.call_id)
        if card is not None:
            card.render(view)
        elif view.call_id not in self._gone and not self.paused:
            card = CallCard(self._controls, view)
            card.closed.connect(self._card_closed)
            card.heightChanged.connect(self._restack)
            self._cards[view.call_id] = card
            self._trim()
            self._restack()
            card.show()
        form = self._forms.get(view.call_id)
        if form is not None:
            form.update_view(view)
        if card is not None and self._settled(view):
            self._close_later(view.call_id)

    def on_note_requested(self, view: CallView) -> None:
        form = self._forms.get(view.call_id)
        if form is None:
            form = NoteForm(self._controls, view)
            form.formClosed.connect(self._form_closed)
            self._forms[view.call_id] = form
        else:
            form.update_view(view)
        form.show()
        form.raise_()
        form.activateWindow()

    # -- internals -----------------------------------------------------------------------

    def _set_paused(self, paused: bool) -> None:
        self.paused = paused

    def _settled(self, view: CallView) -> bool:
        if view.state not in (CallState.ENDED, CallState.MISSED) or view.call_id in self._forms:
            return False
        if view.notes:
            return all(n.status is NoteStatus.LOGGED for n in view.notes)
        return view.call_id in self._forms_done

    def _close_later(self, call_id: str) -> None:
        QTimer.singleShot(self._settled_close_ms, self, lambda: self._close_if_settled(call_id))

    def _close_if_settled(self, call_id: str) -> None:
        card = self._cards.get(call_id)
        if card is not None and self._settled(card.view):
            card.close()

    def _form_closed(self, call_id: str) -> None:
        form = self._forms.pop(call_id, None)
        if form is not None:
            form.deleteLater()
        self._forms_done.add(call_id)
        card = self._cards.get(call_id)
        if card is not None and self._settled(card.view):
            self._close_later(call_id)

    def _card_closed(self, call_id: str) -> None:
        card = self._cards.pop(call_id, None)
        self._gone.add(call_id)
        if card is not None:
            card.deleteLater()
        self._restack()

    def _trim(self) -> None:
        """Keep at most MAX_CARDS: close finished calls first, oldest first."""
        while len(self._cards) > MAX_CARDS:
            ordered = list(self._cards.values())
            finished = [c for c in ordered if c.view.state in (CallState.ENDED, CallState.MISSED)]
            oldest = (finished or ordered)[0]
            self._cards.pop(oldest.call_id, None)
            self._gone.add(oldest.call_id)
            oldest.close()
            oldest.deleteLater()

    def _restack(self, _height: int = 0) -> None:
        offset = 0
        for card in self.cards():
            card.place(offset)
            offset += card.height() + CARD_GAP
