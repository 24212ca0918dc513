"""The foot of a call card: how each of the call's notes went (with Retry / It's there / … links
under one that needs them), then Answer / Hang up / Call back, each shown only when it applies."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app.core.models import Direction, NoteStatus
from app.core.views import CallState, CallView, Controls
from app.ui.common import format as fmt
from app.ui.common.widgets import add_shown, label
from app.ui.note.actions import note_actions


class NoteLines:
    """One status line per note, rebuilt only when a note's text or status changed."""

    def __init__(self, controls: Controls) -> None:
        self._controls = controls
        self.layout = QVBoxLayout()
        self.layout.setSpacing(2)
        self.labels: list[QLabel] = []
        self.action_rows: list[QLabel] = []  # Retry / It's there / … under a note that needs it

    def render(self, view: CallView) -> None:
        texts = [(fmt.note_status_text(n), (n.status or NoteStatus.PENDING).value) for n in view.notes]
        if [(note.text(), note.property("noteStatus")) for note in self.labels] == texts:
            return
        for note in [*self.labels, *self.action_rows]:
            note.hide()
            note.deleteLater()
        self.labels = []
        self.action_rows = []
        for target, (text, status) in zip(view.notes, texts, strict=True):
            note = label(text, name="noteStatus", wrap=True)
            note.setProperty("noteStatus", status)
            self.labels.append(note)
            add_shown(self.layout, note)
            actions = note_actions(self._controls, view.call_id, target)
            if actions is not None:
                self.action_rows.append(actions)
                add_shown(self.layout, actions)


class CallButtons:
    """Answer, Hang up and Call back in one row; `render(view)` shows and words them for the call."""

    def __init__(self, answer: Callable[[], None], hang_up: Callable[[], None], call_back: Callable[[], None]) -> None:
        self.layout = QHBoxLayout()
        self.layout.setSpacing(8)
        self.layout.setContentsMargins(0, 4, 0, 0)
        self.answer = QPushButton("Answer")
        self.answer.setObjectName("answerButton")
        self.answer.clicked.connect(answer)
        self.hang_up = QPushButton("Hang up")
        self.hang_up.setObjectName("hangUpButton")
        self.hang_up.clicked.connect(hang_up)
        # An ended or missed call can be returned from its card (Controls.dial).
        self.call_back = QPushButton("Call back")
        self.call_back.setObjectName("callBackButton")
        self.call_back.setToolTip("Call this number through your dialer")
        self.call_back.clicked.connect(call_back)
        for button in (self.answer, self.hang_up, self.call_back):
            button.setAutoDefault(False)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            self.layout.addWidget(button, 1)

    def render(self, view: CallView) -> None:
        ringing = view.state is CallState.RINGING
        live = view.state in (CallState.RINGING, CallState.ANSWERED)
        inbound = view.direction is Direction.INBOUND
        # A call placed through Puzzel or a tel: link reports nothing back: the buttons record it.
        self.answer.setVisible(view.can_answer and ringing and (inbound or view.manual))
        self.answer.setText("Connected" if view.manual else "Answer")
        self.answer.setToolTip("They picked up: start the call's clock" if view.manual else "")
        self.hang_up.setVisible(view.can_answer and live)
        self.hang_up.setText("Call ended" if view.manual else "Decline" if ringing and inbound else "Hang up")
        self.hang_up.setToolTip("The call is over: write the note" if view.manual else "")
        self.call_back.setVisible(not live and view.e164 is not None)
