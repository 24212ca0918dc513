"""The note form that opens when a call ends: what the call was, where to log it, the note.

Save (Ctrl+Enter) hands the text (headed by the outcome and job chosen) and the checked record keys
to `Controls.save_note` and says "Saving…"; once the note is committed it sets the call-back reminder
if one was chosen and closes, and the call's card then shows how logging went in each CRM. A note
the disk refused leaves the form open with its text (the recruiter has been told why). Skip (Esc, or
closing the window) calls `Controls.skip_note`; typed words are never thrown away: a form holding
text keeps it as the call's draft (`Controls.keep_draft`, shown in history) and says so. It opens
with what was typed on the card during the call, titled with the caller's name and number, shown
without taking the keyboard (a click on it gives it the keyboard). The form never decides anything
itself: it shows the view and reports picks.
"""

from __future__ import annotations

from datetime import UTC, datetime

import shiboken6
from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.models import Direction, Record
from app.core.outcomes import DEFAULT_OUTCOMES, compose
from app.core.ports import NewRecordKind
from app.core.views import CallState, CallView, Controls
from app.ui.card.card import CARD_WIDTH, SCREEN_MARGIN
from app.ui.card.create_record import CreateForms
from app.ui.common import format as fmt
from app.ui.note.links import UnlinkedNotice
from app.ui.note.outcome import HowItWent, open_jobs
from app.ui.note.targets import NoteTargets

FORM_WIDTH = 460


def _when_text(view: CallView) -> str:
    when = fmt.local_time(view.started_at)
    if view.state is CallState.MISSED:
        return f"{when} · {'Missed call' if view.direction is Direction.INBOUND else 'No answer'}"
    return f"{when} · {fmt.duration_text(view.duration_s)}"


class NoteForm(QDialog):
    """Constructed with the ended call's view; `update_view(view)` refreshes the targets as late
    lookups arrive, keeping what the recruiter already ticked or picked.

    Signals:
        formClosed(str)   call id; the form was saved or skipped and has closed

    The "how it went" row (`how`): outcome, open job, "Call back in…"; the outcome and job head the
    note's text (`app.core.outcomes.compose`), a call-back time becomes `Controls.call_back_later`.

    Test accessors: `call_id`, `editor`, `how`, `save_button`, `skip_button`, `target_checks`
    (record key -> QCheckBox), `target_combos` (account id -> QComboBox), `no_match_label`,
    `title_label`, `when_label`, `selected_keys()`.
    """

    formClosed = Signal(str)

    def __init__(self, controls: Controls, view: CallView, parent: QWidget | None = None, *,
                 draft: str = "", outcomes: tuple[str, ...] = DEFAULT_OUTCOMES) -> None:
        super().__init__(parent)
        self._controls = controls
        self._view = view
        self._done = False
        self._saving = False  # the note is on its way to the disk: the form waits for it
        self._placed = False
        self.create_forms = CreateForms(controls, self)

        self.setObjectName("noteForm")
        self.setWindowTitle("Log call")
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.setModal(False)
        self.setFixedWidth(FORM_WIDTH)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)

        header = QVBoxLayout()
        header.setSpacing(2)
        self.title_label = QLabel()
        self.title_label.setObjectName("formTitle")
        self.title_label.setWordWrap(True)  # a long name and number wrap rather than run off the form
        self.when_label = QLabel()
        self.when_label.setObjectName("formWhen")
        self.waiting_label = QLabel()
        self.waiting_label.setObjectName("formWaiting")
        self.waiting_label.hide()
        header.addWidget(self.title_label)
        header.addWidget(self.when_label)
        header.addWidget(self.waiting_label)
        layout.addLayout(header)

        # Log against: the records chosen, a pick where an account found several (targets.py).
        self._targets = NoteTargets(layout, pick=self._pick_instead, create=self._create_instead,
                                    changed=self.adjustSize)

        self.how = HowItWent(outcomes)
        layout.addWidget(self.how)

        caption = QLabel("NOTE")
        caption.setObjectName("formCaption")
        layout.addWidget(caption)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("noteEditor")
        self.editor.setPlaceholderText("What was the call about? Next steps?")
        self.editor.setTabChangesFocus(True)
        self.editor.setMinimumHeight(120)
        self.editor.setAccessibleName("Note")
        caption.setBuddy(self.editor)
        layout.addWidget(self.editor, 1)

        footer = QHBoxLayout()
        footer.setSpacing(8)
        hint = QLabel("Ctrl+Enter saves · Esc keeps a draft")
        hint.setObjectName("formHint")
        self.skip_button = QPushButton("Skip")
        self.skip_button.setObjectName("skipButton")
        self.skip_button.setToolTip("Close without logging; anything typed is kept as a draft in history (Esc)")
        self.skip_button.clicked.connect(self.reject)
        self.save_button = QPushButton("Save note")
        self.save_button.setObjectName("saveButton")
        self.save_button.setToolTip("Log the call (Ctrl+Enter)")
        self.save_button.clicked.connect(self.save)
        for button in (self.skip_button, self.save_button):
            button.setAutoDefault(False)
            button.setDefault(False)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
        footer.addWidget(hint, 1)
        footer.addWidget(self.skip_button)
        footer.addWidget(self.save_button)
        layout.addLayout(footer)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.save)

        self.editor.setPlainText(draft)
        self.update_view(view)

    # -- accessors -----------------------------------------------------------------------

    @property
    def call_id(self) -> str:
        return self._view.call_id

    @property
    def view(self) -> CallView:
        return self._view

    def selected_keys(self) -> list[str]:
        """The record keys the note will be logged against, in the order shown."""
        return self._targets.selected_keys()

    @property
    def target_checks(self) -> dict[str, QCheckBox]:
        return self._targets.target_checks

    @property
    def target_combos(self) -> dict[str, QComboBox]:
        return self._targets.target_combos

    @property
    def unlinked_notices(self) -> dict[str, UnlinkedNotice]:
        return self._targets.unlinked_notices

    @property
    def no_match_label(self) -> QLabel:
        return self._targets.no_match_label

    # -- rendering -----------------------------------------------------------------------

    def update_view(self, view: CallView) -> None:
        if view.call_id != self._view.call_id:
            raise ValueError(f"note form for call {self._view.call_id} was given call {view.call_id}")
        self._view = view
        arrow = fmt.ARROW[view.direction]
        self.title_label.setText(f"{arrow}  {fmt.direction_title(view.direction)} · {self.caller_text()}")
        self.setWindowTitle(f"Log call — {self.caller_text()}")
        self.when_label.setText(_when_text(view))
        self._targets.render(view)
        self.how.set_jobs(open_jobs(view))
        self.create_forms.update_view(view)

    def caller_text(self) -> str:
        """"Mei Lin Chen · 03 7010 0200", or the number alone while nobody is chosen."""
        chosen = self._view.chosen()
        number = self._view.number_display or self._view.number
        return f"{chosen[0].name} · {number}" if chosen else number

    def set_waiting(self, count: int) -> None:
        """How many other notes wait their turn after this one."""
        self.waiting_label.setText(f"{count} more note{'s' if count != 1 else ''} waiting after this one")
        self.waiting_label.setVisible(count > 0)

    # -- intents -------------------------------------------------------------------------

    def _pick_instead(self, account_id: str, record_key: str) -> None:
        self._controls.select_record(self.call_id, account_id, record_key)

    def _create_instead(self, account_id: str, kind: NewRecordKind, record: Record) -> None:
        self.create_forms.open(self._view, account_id, kind, prefill=record)

    def save(self) -> None:
        if self._done or self._saving:
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.save_button.setText("Saving…")
        text = compose(self.editor.toPlainText(), self.how.outcome(), self.how.job())
        self._controls.save_note(self.call_id, text, self.selected_keys(), saved=self._saved)

    def _saved(self, stored: bool) -> None:
        if not shiboken6.isValid(self):  # the app quit while the note was written
            return
        self._saving = False
        self.save_button.setText("Save note")
        self.save_button.setEnabled(True)
        if not stored:  # refused (a full or read-only disk): the text stays here to save again
            return
        self._done = True
        due = self.how.call_back_due(datetime.now(UTC))
        if due is not None:
            self._controls.call_back_later(self.call_id, due)
        self.accept()

    def reject(self) -> None:
        """Esc, Skip, or the window's close button: what was typed is kept as the call's draft (not
        while a save is on its way: the form closes when it is committed)."""
        if self._saving:
            return
        if not self._done:
            self._done = True
            text = self.editor.toPlainText()
            if text.strip() or self._view.draft:  # an emptied form forgets the draft it opened with
                self._controls.keep_draft(self.call_id, text)
            self._controls.skip_note(self.call_id)
        super().reject()

    def done(self, result: int) -> None:
        super().done(result)
        self.formClosed.emit(self.call_id)

    # -- placement -----------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._placed:
            self._placed = True
            self._place()
        # The editor has the form's focus, but the window is shown without activating: the recruiter
        # may be typing in another program, whose keys (and Esc, Ctrl+Enter) must not land here.
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _place(self) -> None:
        """Beside the card column at the bottom-right, so the card stays readable while typing;
        centred when the screen is too narrow for both."""
        screen = QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)
        frame_extra = 40  # title bar, which is not part of height() before the window is mapped
        x = area.right() + 1 - SCREEN_MARGIN - CARD_WIDTH - 16 - self.width()
        y = area.bottom() + 1 - SCREEN_MARGIN - self.height() - frame_extra
        if x < area.left() or y < area.top():
            x = area.left() + (area.width() - self.width()) // 2
            y = area.top() + max(0, (area.height() - self.height()) // 2)
        self.move(x, y)
