"""The notes box on a ringing or live call's card: what is typed is kept as a draft (debounced
while typing, and at once when the call ends) and carried into the note form at hang-up."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from app.core.views import CallState, CallView
from app.ui.common.widgets import label

DRAFT_DEBOUNCE_MS = 500


class NotesBox(QWidget):
    """`keep(text)` is called with the text to store as the call's draft."""

    def __init__(self, keep: Callable[[str], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._keep = keep
        self._kept = ""
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        caption = label("NOTES", name="notesCaption", role="muted")
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("cardNotes")
        self.editor.setPlaceholderText("Notes while you talk — they go into the note at hang-up")
        self.editor.setAccessibleName("Notes during the call")
        self.editor.setTabChangesFocus(True)
        self.editor.setFixedHeight(64)
        caption.setBuddy(self.editor)
        column.addWidget(caption)
        column.addWidget(self.editor)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DRAFT_DEBOUNCE_MS)
        self._timer.timeout.connect(self.flush)
        # A lambda, not the C++ slot: PySide keeps a connection to a built-in slot (about 100 bytes)
        # after both ends are gone, once per card.
        self.editor.textChanged.connect(lambda: self._timer.start())

    def show_view(self, view: CallView) -> None:
        live = view.state in (CallState.RINGING, CallState.ANSWERED)
        if not live:
            self.flush()  # hang-up: the draft is stored before the note form reads it
        elif view.draft and not self.editor.toPlainText():
            self.editor.setPlainText(view.draft)
            self._kept = view.draft
        self.setVisible(live)

    def flush(self) -> None:
        self._timer.stop()
        text = self.editor.toPlainText()
        if text != self._kept:
            self._kept = text
            self._keep(text)
