"""`NoteQueue`: the note forms of ended calls, shown one at a time.

The shell owns one. Each ended call gets a form (opening with what was typed on its card); the
first waiting one is on screen, shown without taking the keyboard, and each says how many notes
still wait after it. A form that closes (saved or skipped) makes way for the next one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from app.core.views import CallView, Controls
from app.ui.common.recent import RecentIds
from app.ui.common.widgets import delete_later
from app.ui.note.form import NoteForm


class NoteQueue(QObject):
    """Constructor: `NoteQueue(controls, outcomes, typed, parent=None)`: `outcomes()` gives the
    outcome choices for a new form, `typed(call_id)` what was typed on that call's card ("" if none).

    Signals:
        formClosed(str)   call id; its form was saved or skipped, has closed, and the next one shows

    Also: `request(view)`, `form(call_id)`, `forms()` (the shown one first), `shown()`,
    `dealt_with(call_id)`, `close_all()`.
    """

    formClosed = Signal(str)

    def __init__(self, controls: Controls, outcomes: Callable[[], tuple[str, ...]],
                 typed: Callable[[str], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controls = controls
        self._outcomes = outcomes
        self._typed = typed
        self._forms: dict[str, NoteForm] = {}  # the form on screen (one), then those waiting, in order
        self._done = RecentIds()  # saved or skipped: the last calls only (a set of all would only grow)

    def form(self, call_id: str) -> NoteForm | None:
        return self._forms.get(call_id)

    def forms(self) -> list[NoteForm]:
        return list(self._forms.values())

    def shown(self) -> NoteForm | None:
        """The one note form on screen (the others wait their turn)."""
        return next(iter(self._forms.values()), None)

    def dealt_with(self, call_id: str) -> bool:
        """Whether the call's note form was saved or skipped."""
        return call_id in self._done

    def request(self, view: CallView) -> None:
        """A call ended: its note form shows when the ones before it are done (never taking the
        keyboard: the recruiter may be typing elsewhere; a click on the form gives it the keyboard)."""
        form = self._forms.get(view.call_id)
        if form is None:
            typed = self._typed(view.call_id)
            form = NoteForm(self._controls, view, draft=view.draft or typed, outcomes=self._outcomes())
            form.formClosed.connect(self._closed)
            self._forms[view.call_id] = form
        else:
            form.update_view(view)
        self._show()

    def close_all(self) -> None:
        """Close every form, shown or waiting, without saving or skipping (the app is quitting)."""
        for form in list(self._forms.values()):
            form.hide()
            delete_later(form)
        self._forms.clear()

    def _show(self) -> None:
        forms = list(self._forms.values())
        for index, form in enumerate(forms):
            form.set_waiting(len(forms) - 1)
            if index == 0 and not form.isVisible():
                form.show()
                form.raise_()

    def _closed(self, call_id: str) -> None:
        form = self._forms.pop(call_id, None)
        if form is not None:
            delete_later(form)
        self._show()
        self._done.add(call_id)
        self.formClosed.emit(call_id)
