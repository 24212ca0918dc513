"""A call card built ahead of the next call, while nothing is ringing, so a ringing call's card only
has to be filled in: building and styling a card's widgets took most of the ringing card's frame."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer

from app.core.models import AccountResult, LookupStatus
from app.core.views import CallState, CallView, Controls
from app.ui.card.card import CallCard

_ids = itertools.count(1)


class SpareCard(QObject):
    """Keeps one spare `CallCard`, never shown, with a pending section for each account the last call
    asked and, hidden, the rows that call's answers showed (ready for the same caller again, whose
    card is filled from the cache). `seen(view)` after each update builds one, on the loop's next turn,
    once that call stopped ringing with every answer in and `idle()` says no other call is still looking
    up (answered or ended: nothing is waited on then); `take(view)` hands it to a new call (or builds
    a card)."""

    def __init__(self, controls: Controls, idle: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controls = controls
        self._idle = idle
        self._template: CallView | None = None
        self.card: CallCard | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._build)

    def seen(self, view: CallView) -> None:
        self._template = view
        if self.card is None and view.complete and view.state is not CallState.RINGING \
                and not self._timer.isActive():
            self._timer.start()

    def take(self, view: CallView) -> CallCard:
        card, self.card = self.card, None
        if card is None:
            return CallCard(self._controls, view)
        card.reuse(view)
        return card

    def close(self) -> None:
        self._timer.stop()
        if self.card is not None:
            self.card.deleteLater()
            self.card = None

    def _build(self) -> None:
        view = self._template
        if self.card is not None or view is None:
            return
        if not self._idle():  # a call is still looking up: the next complete update tries again
            return
        pending = tuple(AccountResult(account_id=a.account_id, account_label=a.account_label,
                                      status=LookupStatus.PENDING) for a in view.accounts)
        blank = replace(view, call_id=f"spare-{next(_ids)}", state=CallState.RINGING, answered_at=None,
                        ended_at=None, accounts=pending, selected={}, notes=(), creations={}, unlinked={},
                        draft="", last_call=None, place=None)
        self.card = CallCard(self._controls, blank)
        self.card.prepare(view)  # the last caller's rows, ready for a repeat call (from the cache)
        self.card.ensurePolished()  # the style's work on every widget, done now rather than at the ring
