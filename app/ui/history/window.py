"""The history window (tray → Recent calls → History and missed calls…): missed calls to return at
the top, then every recent call with what it was, who, how long, and how its note went.

From a call: open its card again, call back, write (or edit, while it has not gone) its note —
logged as of that call, not now — retry a failed note, or confirm one whose outcome was unknown.
From a missed call: call back, or dismiss it. The search box finds calls by name, number, company
or note text. The selected call shows each account's outcome and the note's text. The Messages tab
lists every notice Ringside showed, for reading after it went away. The window renders
`Controls.call_history()` and `Controls.missed_calls()` and refreshes when the core says something
changed (`schedule_refresh`).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.models import NoteStatus
from app.core.views import CallView, Controls
from app.ui.common import format as fmt
from app.ui.common.messages import MessageLog
from app.ui.common.widgets import add_shown, delete_later, label
from app.ui.history.detail import note_text, outcome_lines
from app.ui.history.messages import MessagesPanel
from app.ui.history.missed import MissedList
from app.ui.history.reminders import ReminderList
from app.ui.history.rows import MissedRow, direction_text, loggable, when_text, who_text
from app.ui.note.actions import note_actions
from app.ui.note.form import NoteForm

__all__ = ["HistoryWindow", "MissedRow", "when_text"]

HISTORY_LIMIT = 200
MIN_RECENT_ROWS = 8  # the recent list keeps this many rows in view however many missed calls wait
COLUMNS = ("Time", "", "Number", "Who", "Duration", "Note")


class HistoryWindow(QWidget):
    """Constructed with the controls and how to show a call's card again (the shell's).

    Signals:
        cardRequested(CallView)   "Open card" for the selected call

    Test accessors: `table`, `missed_rows`, `missed_box`, `reminders_box`, `views`, `select(call_id)`, `selected()`,
    `open_button`, `call_back_button`, `note_button`, `retry_button`, `confirm_button`,
    `detail_label`, `note_text_label`, `search_edit`, `empty_label`, `tabs`, `messages_panel`,
    `note_action_rows`, `note_form`, `refresh()`, `schedule_refresh()`.
    """

    cardRequested = Signal(object)

    def __init__(self, controls: Controls, parent: QWidget | None = None, *,
                 messages: MessageLog | None = None) -> None:
        super().__init__(parent)
        self._controls = controls
        self.views: list[CallView] = []
        self.missed_rows: list[MissedRow] = []
        self.note_action_rows: list[QLabel] = []
        self.note_form: NoteForm | None = None
        self._pending_refresh = False
        self.setObjectName("historyWindow")
        self.setWindowTitle("Ringside — Calls")
        self.resize(820, 640)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 12)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("historyTabs")
        outer.addWidget(self.tabs)
        calls = QWidget()
        self.tabs.addTab(calls, "Calls")
        self.messages_panel = MessagesPanel(messages or MessageLog(self))
        self.tabs.addTab(self.messages_panel, "Messages")
        layout = QVBoxLayout(calls)
        layout.setContentsMargins(4, 8, 4, 4)
        layout.setSpacing(10)

        self.reminders_box = ReminderList(controls)
        layout.addWidget(self.reminders_box)
        self.missed_box = MissedList(controls)
        layout.addWidget(self.missed_box)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)  # one query when typing pauses, not one per key
        self._search_timer.timeout.connect(self.refresh)
        heading = QHBoxLayout()
        heading.addWidget(label("RECENT CALLS", name="formCaption"))
        heading.addStretch(1)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("historySearch")
        self.search_edit.setPlaceholderText("Search name, number, company or note")
        self.search_edit.setAccessibleName("Search calls")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(280)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        heading.addWidget(self.search_edit)
        layout.addLayout(heading)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("historyTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemActivated.connect(lambda _item: self.open_card())
        row_height = self.table.verticalHeader().defaultSectionSize()
        self.table.setMinimumHeight(self.table.horizontalHeader().sizeHint().height() + MIN_RECENT_ROWS * row_height)
        layout.addWidget(self.table, 1)
        self.empty_label = label("", name="historyDetail")
        self.empty_label.hide()
        layout.addWidget(self.empty_label)

        self.detail_label = label(name="historyDetail", wrap=True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail_label)
        self.note_text_label = label(name="historyNoteText", wrap=True)
        self.note_text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note_text_label.hide()
        layout.addWidget(self.note_text_label)
        self._actions_box = QVBoxLayout()
        self._actions_box.setSpacing(2)
        layout.addLayout(self._actions_box)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self.open_button = QPushButton("Open card")
        self.open_button.setToolTip("Show this call's card again (Enter)")
        self.open_button.clicked.connect(self.open_card)
        self.call_back_button = QPushButton("Call back")
        self.call_back_button.clicked.connect(self.call_back)
        self.note_button = QPushButton("Write note…")
        self.note_button.setToolTip("Log a note for this call, as of the call's own time")
        self.note_button.clicked.connect(self.write_note)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setToolTip("Send this call's failed note again")
        self.retry_button.clicked.connect(self.retry)
        self.confirm_button = QPushButton("It’s in the CRM")
        self.confirm_button.setToolTip("You checked the record and the note is there: mark it logged")
        self.confirm_button.clicked.connect(self.confirm)
        for name, button in (("openCard", self.open_button), ("callBack", self.call_back_button),
                             ("writeNote", self.note_button), ("retryNote", self.retry_button),
                             ("confirmNote", self.confirm_button)):
            button.setObjectName(name)
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        QShortcut(QKeySequence("F5"), self).activated.connect(self.refresh)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(50)  # coalesces a burst of changes into one query
        self._refresh_timer.timeout.connect(self.refresh)
        self._selection_changed()

    # -- data ----------------------------------------------------------------------------------

    def schedule_refresh(self) -> None:
        """Something changed in the core: refresh soon, if the window is open."""
        if self.isVisible():
            self._refresh_timer.start()

    def refresh(self) -> None:
        selected = self.selected()
        query = self.search_edit.text().strip()
        self.views = self._controls.call_history(HISTORY_LIMIT, query) if query else \
            self._controls.call_history(HISTORY_LIMIT)
        self.empty_label.setText(f"No calls match “{query}”." if query else "No calls yet.")
        self.empty_label.setVisible(not self.views)
        self.reminders_box.show_reminders(self._controls.reminders())
        self.missed_box.show_missed(self._controls.missed_calls())
        self.missed_rows = self.missed_box.rows
        self.table.setUpdatesEnabled(False)
        now = datetime.now().astimezone()  # once: asking for the local zone costs per call
        try:
            self.table.setRowCount(len(self.views))
            for row, view in enumerate(self.views):
                local = view.started_at.astimezone()
                cells = (when_text(local, now), direction_text(view), view.number_display, who_text(view),
                         fmt.duration_text(view.duration_s) if view.answered_at else "—", fmt.note_summary(view))
                for column, text in enumerate(cells):
                    item = self.table.item(row, column)
                    if item is None:
                        item = QTableWidgetItem()
                        self.table.setItem(row, column, item)
                    if item.text() != text:
                        item.setText(text)
                    if column == 0:
                        item.setToolTip(local.strftime("%c"))
        finally:
            self.table.setUpdatesEnabled(True)
        if selected is not None:
            self.select(selected.call_id)
        self._selection_changed()

    # -- selection -----------------------------------------------------------------------------

    def select(self, call_id: str) -> bool:
        for row, view in enumerate(self.views):
            if view.call_id == call_id:
                self.table.selectRow(row)
                return True
        return False

    def show_call(self, call_id: str) -> bool:
        """Select this call (a card's last-call line), clearing a search that hides it; False when
        it is not among the calls listed."""
        self.refresh()
        if self.select(call_id):
            return True
        if self.search_edit.text():
            self.search_edit.clear()
            self.refresh()
        return self.select(call_id)

    def selected(self) -> CallView | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.views):
            return None
        return self.views[rows[0].row()]

    def _selection_changed(self) -> None:
        view = self.selected()
        statuses = {n.status for n in view.notes} if view else set()
        self.open_button.setEnabled(view is not None)
        self.call_back_button.setEnabled(view is not None and view.e164 is not None)
        self.call_back_button.setToolTip("Call this number through your dialer")
        self.note_button.setEnabled(view is not None and loggable(view))
        self.note_button.setText("Edit note…" if view is not None and view.notes else "Write note…")
        self.retry_button.setEnabled(bool(statuses & {NoteStatus.FAILED, NoteStatus.UNCONFIRMED}))
        self.confirm_button.setEnabled(NoteStatus.UNCONFIRMED in statuses)
        self._render_detail(view)

    def _render_detail(self, view: CallView | None) -> None:
        for row in self.note_action_rows:
            row.hide()
            row.deleteLater()
        self.note_action_rows = []
        if view is None:
            self.detail_label.setText("Pick a call to see its note.")
            self.note_text_label.hide()
            return
        self.detail_label.setText("\n".join(outcome_lines(view)))
        text = note_text(view)
        self.note_text_label.setText(f"Note: {text}" if text else "")
        self.note_text_label.setVisible(bool(text))
        for target in view.notes:
            actions = note_actions(self._controls, view.call_id, target)
            if actions is not None:
                self.note_action_rows.append(actions)
                add_shown(self._actions_box, actions)

    # -- intents -------------------------------------------------------------------------------

    def open_card(self) -> None:
        view = self.selected()
        if view is not None:
            self.cardRequested.emit(view)

    def call_back(self) -> None:
        view = self.selected()
        if view is not None and view.e164:
            self._controls.dial(view.e164)

    def write_note(self) -> None:
        """The note form for the selected call, with the note's text when one was saved."""
        view = self.selected()
        if view is None or not loggable(view):
            return
        if self.note_form is not None:
            self.note_form.close()
        form = NoteForm(self._controls, view)
        text = next((n.text for n in view.notes if n.text), "")
        if text:
            form.editor.setPlainText(text)
        form.formClosed.connect(self._note_form_closed)
        self.note_form = form
        form.show()
        form.raise_()
        form.activateWindow()

    def _note_form_closed(self, _call_id: str) -> None:
        if self.note_form is not None:
            delete_later(self.note_form)
            self.note_form = None
        self.schedule_refresh()

    def retry(self) -> None:
        """Send the selected call's failed or unconfirmed notes again."""
        view = self.selected()
        if view is not None:
            for note in view.notes:
                if note.status in (NoteStatus.FAILED, NoteStatus.UNCONFIRMED):
                    self._controls.retry_note(view.call_id, note.record.key)

    def confirm(self) -> None:
        """The recruiter found the selected call's unconfirmed notes in the CRM."""
        view = self.selected()
        if view is not None:
            for note in view.notes:
                if note.status is NoteStatus.UNCONFIRMED:
                    self._controls.confirm_note(view.call_id, note.record.key)

    # -- events --------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        # A refresh due after the close would read a database that quitting may have closed by then.
        self._refresh_timer.stop()
        self._search_timer.stop()
        if self.note_form is not None:
            self.note_form.close()
        super().closeEvent(event)
