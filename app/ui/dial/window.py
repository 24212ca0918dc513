"""Tray → Dial…: a small, keyboard-first window for placing a call.

Type or paste a number and press Enter. Typing also finds people: the recent calls and cards listed
below (by name or digits), the whole call history (name, company, number or note text), and, a
moment after the typing stops, every CRM that offers a search by name (each CRM's people are added
the moment it answers; one that fails says so in a line of its own). Down / Up walk that list and put
the highlighted number in the box, Enter dials it, a double-click dials at once, Esc closes. Text
that is not a number stays in the box with the reason beside it.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.people_search import PeopleFound
from app.core.ports import FoundPerson
from app.core.views import CallView, Controls
from app.ui.common import format as fmt

RECENT_LIMIT = 30  # calls and cards looked at; each number is listed once, newest first
SEARCH_LIMIT = 50  # history calls a search adds
CRM_SEARCH_DELAY_MS = 300  # the CRMs are asked once the typing pauses, not on every key
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_NUMBER_ROLE = Qt.ItemDataRole.UserRole


def suggestions(views: list[CallView]) -> list[tuple[str, str]]:
    """(text, number) per distinct number of the recent calls, newest first; numbers that are not
    numbers (a withheld caller) are left out."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for view in views:
        number = view.e164
        if number is None or number in seen:
            continue
        seen.add(number)
        who = fmt.caller_name(view)
        text = (f"{who}  ·  {view.number_display}" if who != view.number_display else view.number_display)
        out.append((f"{text}   {fmt.ARROW[view.direction]} {fmt.local_time(view.started_at)}", number))
    return out


def person_text(person: FoundPerson, account_label: str) -> str:
    """A CRM's find as a row: "Mei Lin Chen  ·  Harbourline Logistics  ·  03 7010 0200   TrackerRMS contact"."""
    parts = [person.name, person.company, person.phone]
    where = f"{account_label} {person.kind.lower()}".strip()
    return "  ·  ".join(p for p in parts if p) + f"   {where}"


def _matches(text: str, number: str, query: str) -> bool:
    query = query.strip().lower()
    if not query:
        return True
    digits = re.sub(r"\D", "", query)
    if digits and digits == re.sub(r"[\s()+.-]", "", query) and digits in re.sub(r"\D", "", text + number):
        return True  # "0491 57" finds "0491 570 006" as well as "+61491570006"
    return query in text.lower()


def _dialable_looking(query: str) -> bool:
    """Digits and phone punctuation only: a number being typed, not a name."""
    return bool(re.fullmatch(r"[\d\s()+.\-/]+|(tel|callto|sip):.*", query.strip()))


class DialDialog(QDialog):
    """Signals:
        dialled(str)   Enter / Call was pressed with this text (already sent to controls.dial)

    Test accessors: `number_edit`, `recent_list`, `call_button`, `hint_label`, `error_label`,
    `crm_label` (the CRM search: who is still being asked, who failed), `crm_timer` (the typing pause).
    """

    dialled = Signal(str)

    def __init__(self, controls: Controls, parent: QWidget | None = None, *, number: str = "") -> None:
        super().__init__(parent)
        self._controls = controls
        self.setObjectName("dialDialog")
        self.setWindowTitle("Dial — Ringside")
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
        self.setMinimumWidth(360)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)

        self.number_edit = QLineEdit(number)
        self.number_edit.setObjectName("dialNumber")
        self.number_edit.setPlaceholderText("Number to call, or a name from below")
        self.number_edit.setAccessibleName("Number to call")
        self.number_edit.setClearButtonEnabled(True)
        self.number_edit.textEdited.connect(self._filter)
        self.number_edit.installEventFilter(self)
        layout.addWidget(self.number_edit)

        self.error_label = QLabel()
        self.error_label.setObjectName("dialError")
        self.error_label.setProperty("error", True)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.hint_label = QLabel("Recent calls")
        self.hint_label.setObjectName("dialHint")
        self.hint_label.setProperty("role", "muted")
        layout.addWidget(self.hint_label)

        self.recent_list = QListWidget()
        self.recent_list.setObjectName("dialRecent")
        self.recent_list.setAccessibleName("Recent calls")
        self.recent_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay in the number box
        self.recent_list.currentItemChanged.connect(self._picked)
        self.recent_list.itemDoubleClicked.connect(lambda item: self._dial(item.data(_NUMBER_ROLE)))
        layout.addWidget(self.recent_list, 1)

        self.crm_label = QLabel()
        self.crm_label.setObjectName("dialCrmStatus")
        self.crm_label.setProperty("role", "muted")
        self.crm_label.setWordWrap(True)
        self.crm_label.hide()
        layout.addWidget(self.crm_label)
        self.crm_timer = QTimer(self)
        self.crm_timer.setSingleShot(True)
        self.crm_timer.setInterval(CRM_SEARCH_DELAY_MS)
        self.crm_timer.timeout.connect(self._ask_crms)
        self._crm_query = ""  # the search the CRMs' answers belong to ("" when none is running)
        self._crm_waiting: list[str] = []  # labels of the accounts not answered yet
        self._crm_failed: list[str] = []

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        cancel = QPushButton("Cancel")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        self.call_button = QPushButton("Call")
        self.call_button.setObjectName("callButton")
        self.call_button.setDefault(True)
        self.call_button.clicked.connect(lambda: self._dial(self.number_edit.text()))
        buttons.addWidget(cancel)
        buttons.addWidget(self.call_button)
        layout.addLayout(buttons)

        for text, value in suggestions(controls.recent_calls(RECENT_LIMIT)):
            item = QListWidgetItem(text)
            item.setData(_NUMBER_ROLE, value)
            self.recent_list.addItem(item)
        self._recent_count = self.recent_list.count()
        self._filter(self.number_edit.text())
        self.number_edit.setFocus()

    # -- list ----------------------------------------------------------------------------

    def _filter(self, query: str) -> None:
        self.recent_list.setCurrentRow(-1)  # typing starts a new search: nothing picked
        self.error_label.hide()
        self._crm_query, self._crm_waiting, self._crm_failed = "", [], []  # earlier answers are dropped
        self.crm_timer.stop()
        if len(query.strip()) >= 2 and not _dialable_looking(query) and self._controls.people_sources():
            self.crm_timer.start()
        while self.recent_list.count() > self._recent_count:  # the previous search's history rows
            self.recent_list.takeItem(self.recent_list.count() - 1)
        listed: dict[str, QListWidgetItem] = {}
        for row in range(self.recent_list.count()):
            item = self.recent_list.item(row)
            item.setHidden(not _matches(item.text(), str(item.data(_NUMBER_ROLE)), query))
            listed[str(item.data(_NUMBER_ROLE))] = item
        if query.strip() and not _dialable_looking(query):  # words: look through the whole history too
            for text, value in suggestions(self._controls.call_history(SEARCH_LIMIT, query.strip())):
                if value in listed:  # a recent call's number, found by its company or note
                    listed[value].setHidden(False)
                    continue
                item = QListWidgetItem(text)
                item.setData(_NUMBER_ROLE, value)
                self.recent_list.addItem(item)
                listed[value] = item
        self._show_state(query)

    def _show_state(self, query: str) -> None:
        """The list, the hint above it and the CRM line below it, for what is listed now."""
        shown = sum(not self.recent_list.item(r).isHidden() for r in range(self.recent_list.count()))
        words = bool(query.strip()) and not _dialable_looking(query)
        searching = self.crm_timer.isActive() or bool(self._crm_waiting)
        self.recent_list.setVisible(shown > 0)
        self.hint_label.setVisible(shown > 0 or bool(query.strip()))
        crms = self._controls.people_sources() if words else []
        if shown:
            self.hint_label.setText("Recent calls" if not query.strip()
                                    else "Found in your calls and CRMs" if crms else "Found in your calls")
        elif words and searching:
            self.hint_label.setText(f"Looking for “{query.strip()}”…")
        elif words and crms:
            self.hint_label.setText(f"No one called “{query.strip()}” in your calls or in {_joined(crms)}. "
                                    "Type their number to call it.")
        elif words:
            self.hint_label.setText(f"No one called “{query.strip()}” in your calls. "
                                    "Type their number to call it.")
        else:
            self.hint_label.setText("Press Enter to call this number.")
        lines = [f"Searching {_joined(self._crm_waiting)}…"] if self._crm_waiting else []
        self.crm_label.setText("\n".join(lines + self._crm_failed))
        self.crm_label.setVisible(bool(lines or self._crm_failed))

    # -- the CRMs ----------------------------------------------------------------------------

    def _ask_crms(self) -> None:
        query = self.number_edit.text().strip()
        self._crm_query, self._crm_failed = query, []
        self._crm_waiting = list(self._controls.people_sources())
        if not self._controls.search_people(query, self._crm_answered):
            self._crm_waiting = []
        self._show_state(query)

    def _crm_answered(self, found: PeopleFound) -> None:
        if found.query != self._crm_query:
            return  # an answer to an earlier search
        if found.account_label in self._crm_waiting:
            self._crm_waiting.remove(found.account_label)
        if found.error:
            self._crm_failed.append(f"{found.account_label} couldn't search: {found.error}")
        for person in found.people:
            item = QListWidgetItem(person_text(person, found.account_label))
            item.setData(_NUMBER_ROLE, person.phone)
            item.setToolTip(f"{person.name} in {found.account_label}")
            self.recent_list.addItem(item)
        self._show_state(self.number_edit.text())

    def done(self, result: int) -> None:
        """Closing stops a search still running: its answers would come to a window that is gone."""
        self.crm_timer.stop()
        if self._crm_query:
            self._crm_query = ""
            self._controls.search_people("", lambda _found: None)  # a new (empty) search cancels it
        super().done(result)

    def _picked(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is not None:
            self.number_edit.setText(str(item.data(_NUMBER_ROLE)))  # setText: the filter stays as typed
            self.number_edit.selectAll()

    def _step(self, delta: int) -> None:
        rows = [r for r in range(self.recent_list.count()) if not self.recent_list.item(r).isHidden()]
        if not rows:
            return
        current = self.recent_list.currentRow()
        at = rows.index(current) + delta if current in rows else (0 if delta > 0 else len(rows) - 1)
        self.recent_list.setCurrentRow(rows[max(0, min(len(rows) - 1, at))])

    # -- intents -------------------------------------------------------------------------

    def _dial(self, text: object) -> None:
        number = str(text or "").strip()
        if not number:
            self.number_edit.setFocus()
            return
        problem = self._controls.number_problem(number)
        if problem is not None:  # keep what was typed, say why beside it
            self.error_label.setText(problem)
            self.error_label.show()
            self.number_edit.setFocus()
            return
        self._controls.dial(number)
        self.dialled.emit(number)
        self.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down / Up in the number box walk the list; Enter dials what the box holds."""
        if watched is self.number_edit and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down:
                self._step(1)
                return True
            if event.key() == Qt.Key.Key_Up:
                self._step(-1)
                return True
            if event.key() in _ENTER_KEYS:
                self._dial(self.number_edit.text())
                return True
        return super().eventFilter(watched, event)


def _joined(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
