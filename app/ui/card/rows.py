"""The body of a call card: one `AccountSection` per account, holding a `RecordRow` (record_row.py)
per match.

Rows and sections only render what an `AccountResult` says; a pick is reported upward with
`AccountSection.recordPicked` and the card turns it into a `Controls.select_record` intent.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.models import AccountResult, LookupStatus, Record
from app.ui.card.create_record import CreateBar
from app.ui.card.record_row import MAX_JOBS, PickButton, RecordRow, job_html
from app.ui.common.rich_text import escape
from app.ui.common.widgets import add_shown, label

__all__ = ["MAX_JOBS", "AccountSection", "PickButton", "RecordRow", "job_html"]


@dataclass
class _Rows:
    """An account's rows in their box (not yet on the card), their pick group and "and N more"."""

    box: QWidget
    rows: list[RecordRow]
    group: QButtonGroup | None
    more_label: QLabel | None

    def discard(self) -> None:
        self.box.setParent(None)  # off the card at once (hidden anyway), deleted on a later turn
        self.box.deleteLater()
        if self.group is not None:
            self.group.deleteLater()


class AccountSection(QFrame):
    """Everything one account knows about the number. Rebuilt only when its result changes.

    Signals:
        recordPicked(str, str)   account id, record key: the recruiter picked a row
        signInRequested(str)     account id: "Sign in again" was pressed
    """

    recordPicked = Signal(str, str)
    signInRequested = Signal(str)

    def __init__(self, account_id: str, account_label: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.result: AccountResult | None = None
        self.selected_key: str | None = None
        self.rows: list[RecordRow] = []
        self.status_label: QLabel | None = None  # "Looking up…" / "No match in …"
        self.error_label: QLabel | None = None  # the lookup failed
        self.note_label: QLabel | None = None  # found, but something else failed (open jobs)
        self.sign_in_button: QPushButton | None = None  # the lookup failed for want of a sign-in
        self.more_label: QLabel | None = None  # "and N more in …": records past the record limit
        self.loading_label: QLabel | None = None  # "Loading open jobs…"
        self.rebuilds = 0  # how many times the body changed (tests check updates stay in place)
        self._group: QButtonGroup | None = None
        # Rows built ahead by `prepare`: (records, more, account label) they show, and the rows.
        self._ready: tuple[tuple[Record, ...], int, str, _Rows] | None = None
        self._ready_loading: QLabel | None = None  # "Loading open jobs…", built ahead with the rows
        self.setObjectName("accountSection")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        head = QHBoxLayout()
        head.setSpacing(6)
        self.title_label = label(account_label.upper(), name="accountLabel")
        self.meta_label = label("", name="accountMeta", role="muted")
        head.addWidget(self.title_label, 1)
        head.addWidget(self.meta_label, 0)
        layout.addLayout(head)

        self._body = QVBoxLayout()
        self._body.setSpacing(6)
        layout.addLayout(self._body)
        # Create contact / candidate / lead, and how a create went: outlives rebuilds of the body.
        self.create_bar = CreateBar(account_id)
        layout.addWidget(self.create_bar)

    # -- rendering -----------------------------------------------------------------------

    def update_result(self, result: AccountResult, selected_key: str | None) -> bool:
        """Show `result`; returns whether anything changed."""
        if result == self.result and selected_key == self.selected_key:
            return False
        before = self.result
        same_records = (
            before is not None
            and result.status == before.status
            and result.records == before.records
            and result.needs_sign_in == before.needs_sign_in
            and result.account_label == before.account_label
            and result.more == before.more
        )
        same_rows = (same_records and before is not None and result.jobs == before.jobs
                     and result.error == before.error and result.complete == before.complete)
        self.result = result
        self.selected_key = selected_key
        if same_records and result.status is LookupStatus.FOUND and result.records:
            if not same_rows:  # the open jobs came (or failed): fill the rows in place
                self.rebuilds += 1
                for row in self.rows:
                    row.set_jobs(result.jobs.get(row.record.key, ()))
                self._show_tail(result)
        elif not same_rows:
            self._rebuild(result)
        self._show_selection()
        self._show_meta(result)
        return True

    def focus_chain(self) -> list[QWidget]:
        sign_in: list[QWidget] = [self.sign_in_button] if self.sign_in_button is not None else []
        return [w for row in self.rows for w in row.focus_chain()] + sign_in + self.create_bar.focus_chain()

    def _clear(self) -> None:
        while self._body.count():
            item = self._body.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.rows = []
        self.status_label = None
        self.error_label = None
        self.note_label = None
        self.sign_in_button = None
        self.more_label = None
        self.loading_label = None
        if self._group is not None:
            self._group.deleteLater()
            self._group = None

    def _rebuild(self, result: AccountResult) -> None:
        self._clear()
        self.rebuilds += 1
        self.title_label.setText(result.account_label.upper())
        status = result.status
        if status is LookupStatus.PENDING:
            self.status_label = label("Looking up…", name="lookupStatus", role="pending")
            add_shown(self._body, self.status_label)
        elif status is LookupStatus.NOT_FOUND or (status is LookupStatus.FOUND and not result.records):
            text = f"No match in {result.account_label}"
            self.status_label = label(text, name="lookupStatus", role="muted", wrap=True)
            add_shown(self._body, self.status_label)
        elif status is LookupStatus.ERROR:
            self.error_label = label(name="errorBox", wrap=True)
            self.error_label.setTextFormat(Qt.TextFormat.RichText)
            self.error_label.setText(self._error_html(result))
            add_shown(self._body, self.error_label)
            if result.needs_sign_in:  # one click: the browser sign-in (or Settings, for a password)
                self.sign_in_button = QPushButton("Sign in again")
                self.sign_in_button.setObjectName("signInButton")
                self.sign_in_button.setAutoDefault(False)
                self.sign_in_button.setCursor(Qt.CursorShape.PointingHandCursor)
                self.sign_in_button.clicked.connect(lambda: self.signInRequested.emit(self.account_id))
                add_shown(self._body, self.sign_in_button)
        else:
            self._add_rows(result)
        if status is LookupStatus.FOUND and result.records:
            self._show_tail(result)

    def _show_tail(self, result: AccountResult) -> None:
        """Under the rows: "Loading open jobs…" until they come, then why they could not be fetched."""
        for gone in (self.loading_label, self.note_label):
            if gone is not None:
                self._body.removeWidget(gone)
                gone.hide()
                gone.deleteLater()
        self.loading_label = self.note_label = None
        if not result.complete:
            self.loading_label, self._ready_loading = self._ready_loading or _loading_label(), None
            add_shown(self._body, self.loading_label)
        elif result.error:
            self.note_label = label(result.error, name="sectionNote", wrap=True)
            add_shown(self._body, self.note_label)

    @staticmethod
    def _error_html(result: AccountResult) -> str:
        text = escape(result.error or f"{result.account_label} could not be searched.", quote=False)
        if result.needs_sign_in:
            command = escape(f"ringside account connect {result.account_id}", quote=False).replace(" ", "&nbsp;")
            text += f"<br><b>Sign in again</b> with the button below, or run <code>{command}</code>"
        return text

    def prepare(self, result: AccountResult) -> None:
        """Build the rows `result` would show ahead, hidden (the spare card does this for the last
        caller's answers): a repeat caller's card then takes them ready-made instead of building and
        styling them on the ringing frame (kept while it is looking up). Other rows shown discard them."""
        self.drop_ready()
        if result.status is LookupStatus.FOUND and result.records:
            self._ready = (result.records, result.more, result.account_label, self._build_rows(result))
            self._ready_loading = _loading_label()  # the records come before their jobs
            self._ready_loading.setParent(self)  # polished with the card
            self._ready_loading.hide()

    def _add_rows(self, result: AccountResult) -> None:
        """Show every row, built in a box that is not yet on the card and shown once: showing each row
        on a visible card lays the card out again per row (quadratic in the rows)."""
        ready, self._ready = self._ready, None
        if ready is not None and ready[:3] == (result.records, result.more, result.account_label):
            built = ready[3]
            for row in built.rows:
                row.set_jobs(result.jobs.get(row.record.key, ()))
        else:
            if ready is not None:
                ready[3].discard()
            built = self._build_rows(result)
        self.rows, self._group, self.more_label = built.rows, built.group, built.more_label
        add_shown(self._body, built.box, self._width())

    def _width(self) -> int:
        """The width of the section's rows, once the card has laid the section out (else 0)."""
        return self.contentsRect().width() if self.isVisible() else 0

    def _build_rows(self, result: AccountResult) -> _Rows:
        selectable = len(result.records) > 1
        group: QButtonGroup | None = None
        if selectable:
            group = QButtonGroup(self)
            group.setExclusive(True)
            group.buttonClicked.connect(self._picked)
        box = QWidget(self)  # a child from the start, so polishing the card styles it too
        box.hide()
        box.setObjectName("recordRows")
        rows = QVBoxLayout(box)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(self._body.spacing())
        built = _Rows(box, [], group, None)
        for record in result.records:
            row = RecordRow(record, result.jobs.get(record.key, ()), selectable=selectable)
            if group is not None and row.radio is not None:
                group.addButton(row.radio)
            built.rows.append(row)
            rows.addWidget(row)
        if result.more:
            built.more_label = label(f"and {result.more} more in {result.account_label}", name="moreRecords",
                                     role="muted", wrap=True)
            rows.addWidget(built.more_label)
        return built

    def drop_ready(self) -> None:
        """Discard the rows `prepare` built (no answer took them)."""
        if self._ready is not None:
            self._ready[3].discard()
            self._ready = None
        if self._ready_loading is not None:
            self._ready_loading.setParent(None)
            self._ready_loading.deleteLater()
            self._ready_loading = None

    def _show_selection(self) -> None:
        if len(self.rows) < 2:
            return
        for row in self.rows:
            row.set_selected(row.record.key == self.selected_key)

    def _show_meta(self, result: AccountResult) -> None:
        if result.status is LookupStatus.FOUND and len(result.records) > 1:
            count = f"{len(result.records) + result.more} matches"
            self.meta_label.setText(count if self.selected_key else f"{count} — pick one")
        else:
            self.meta_label.setText("")
        bits = []
        if result.elapsed_ms is not None:
            bits.append(f"answered in {result.elapsed_ms / 1000:.1f} s")
        if result.from_cache:
            bits.append("from cache")
        self.title_label.setToolTip(", ".join(bits))

    def _picked(self, button: QAbstractButton) -> None:
        for row in self.rows:
            if row.radio is button:
                if row.record.key != self.selected_key:
                    self.recordPicked.emit(self.account_id, row.record.key)
                return


def _loading_label() -> QLabel:
    return label("Loading open jobs…", name="loadingMore", role="pending")
