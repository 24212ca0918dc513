"""The body of a call card: one `AccountSection` per account, holding a `RecordRow` per match.

Rows and sections only render what an `AccountResult` says; a pick is reported upward with
`AccountSection.recordPicked` and the card turns it into a `Controls.select_record` intent.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.models import AccountResult, Job, LookupStatus, Record
from app.ui.card.create_record import CreateBar
from app.ui.common import format as fmt
from app.ui.common.style import color
from app.ui.common.widgets import add_shown, label, link_html, link_label, set_state_property

MAX_JOBS = 5


def job_html(job: Job) -> str:
    """Two lines: the title, linking to the job, then 'Kestrel Software · Barangaroo, NSW' smaller,
    each part kept whole when that line wraps."""
    title = link_html(job.title, job.link)
    if not job.link:
        title = f'<span style="color:{color("ink")};">{title}</span>'
    parts = [html.escape(p, quote=False).replace(" ", "&nbsp;") for p in (job.employer, job.location) if p]
    if not parts:
        return title
    return f'{title}<br><span style="font-size:9pt;">{" · ".join(parts)}</span>'


class PickButton(QRadioButton):
    """A record's pick. Qt gives a group of radio buttons a single Tab stop (arrows move within);
    here each pick sits in its own row, before that row's links, so every pick is a Tab stop
    (the arrows still work too)."""

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)  # takes Tab focus away from the group's other buttons
        group = self.group()
        for button in group.buttons() if group is not None else ():
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


class RecordRow(QFrame):
    """One matched record: badge, name (a link when the CRM gave one), title · company, open jobs.

    When its account has several matches the row carries a radio button: picking it (Space or
    Enter on it, or a click anywhere on the row that is not a link) tells the switchboard which
    record the call is about. The row is outlined while its radio button has keyboard focus."""

    def __init__(self, record: Record, jobs: tuple[Job, ...], *, selectable: bool) -> None:
        super().__init__()
        self.record = record
        self.setObjectName("recordRow")
        self.setProperty("selected", False)
        self.setProperty("selectable", selectable)
        self.setProperty("focused", False)

        outer = QHBoxLayout(self)
        if selectable:
            outer.setContentsMargins(8, 7, 10, 8)
        else:
            outer.setContentsMargins(0, 2, 0, 2)
        outer.setSpacing(8)

        self.radio: QRadioButton | None = None
        if selectable:
            self.radio = PickButton()
            self.radio.setObjectName("recordPick")
            self.radio.setAccessibleName(f"This call is about {record.name}")
            self.radio.setToolTip(f"This call is about {record.name} (Space or Enter)")
            self.radio.installEventFilter(self)
            outer.addWidget(self.radio, 0, Qt.AlignmentFlag.AlignTop)

        column = QVBoxLayout()
        column.setSpacing(2)
        outer.addLayout(column, 1)

        top = QHBoxLayout()
        top.setSpacing(8)
        self.badge = label(record.display_type, name="recordBadge")
        self.badge.setProperty("recordType", record.type.value)
        self.badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.name_label = link_label(link_html(record.name, record.link), name="recordName", has_link=bool(record.link))
        if record.link:
            self.name_label.setToolTip(f"Open {record.name} — {record.link}")
            self.name_label.setAccessibleName(f"Open {record.name} in the CRM")
        top.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.name_label, 1)
        column.addLayout(top)

        detail = fmt.record_line(record)
        self.detail_label = label(detail, name="recordDetail", role="secondary", wrap=True)
        self.detail_label.setVisible(bool(detail))
        column.addWidget(self.detail_label)
        # What else the CRM told (retailCRM: the responsible manager; last order, new order).
        self.note_label: QLabel | None = None
        if record.note:
            self.note_label = label(record.note, name="recordNote", role="secondary", wrap=True)
            column.addWidget(self.note_label)
        self.links_label: QLabel | None = None
        if record.extra_links:
            links = " · ".join(link_html(text, url) for text, url in record.extra_links)
            self.links_label = link_label(links, name="recordLinks")
            column.addWidget(self.links_label)

        self.jobs: tuple[Job, ...] = ()
        self.job_labels: list[QLabel] = []
        self.more_label: QLabel | None = None
        self._column = column
        self._jobs_box: QWidget | None = None
        self.set_jobs(jobs)

    def set_jobs(self, jobs: tuple[Job, ...]) -> bool:
        """Show the record's open jobs (they arrive after the record): only the jobs' part of the row
        is built again, in a box built off the card and shown once. Returns whether they changed."""
        if jobs == self.jobs:
            return False
        self.jobs = jobs
        if self._jobs_box is not None:
            self._jobs_box.hide()
            self._jobs_box.deleteLater()
            self._jobs_box = None
        self.job_labels, self.more_label = [], None
        if not jobs:
            return True
        box = self._jobs_box = QWidget()
        box.setObjectName("rowJobs")
        part = QVBoxLayout(box)  # the spacing the row's column had around them
        part.setContentsMargins(0, 6, 0, 0)
        part.setSpacing(2)
        part.addWidget(label(f"Open jobs ({len(jobs)})", name="jobsHeading", role="caption"))
        job_list = QVBoxLayout()
        job_list.setSpacing(6)
        part.addLayout(job_list)
        for job in jobs[:MAX_JOBS]:
            job_label = link_label(job_html(job), name="jobLink", has_link=bool(job.link))
            tip = fmt.job_line(job)
            job_label.setToolTip(f"{tip} ({job.employment_type})" if job.employment_type else tip)
            self.job_labels.append(job_label)
            job_list.addWidget(job_label)
        if len(jobs) > MAX_JOBS:
            more = len(jobs) - MAX_JOBS
            self.more_label = link_label(
                link_html(f"+{more} more", self.record.link), name="moreJobs", has_link=bool(self.record.link)
            )
            self.more_label.setProperty("role", "muted")
            job_list.addWidget(self.more_label)
        add_shown(self._column, box)
        return True

    @property
    def href(self) -> str | None:
        return self.record.link

    def focus_chain(self) -> list[QWidget]:
        """The row's keyboard stops, in order: its radio button, then its links."""
        stops: list[QWidget] = [self.radio] if self.radio is not None else []
        stops += [w for w in (self.name_label, self.links_label, *self.job_labels, self.more_label) if w is not None]
        return [w for w in stops if w.focusPolicy() & Qt.FocusPolicy.TabFocus]

    def set_selected(self, selected: bool) -> None:
        if self.radio is not None and self.radio.isChecked() != selected:
            self.radio.setChecked(selected)
        set_state_property(self, "selected", selected)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.radio and event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            set_state_property(self, "focused", event.type() == QEvent.Type.FocusIn)
        return super().eventFilter(watched, event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.radio is not None and event.button() == Qt.MouseButton.LeftButton:
            self.radio.click()
            event.accept()
            return
        super().mousePressEvent(event)


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
            self.loading_label = label("Loading open jobs…", name="loadingMore", role="pending")
            add_shown(self._body, self.loading_label)
        elif result.error:
            self.note_label = label(result.error, name="sectionNote", wrap=True)
            add_shown(self._body, self.note_label)

    @staticmethod
    def _error_html(result: AccountResult) -> str:
        text = html.escape(result.error or f"{result.account_label} could not be searched.", quote=False)
        if result.needs_sign_in:
            command = html.escape(f"ringside account connect {result.account_id}", quote=False).replace(" ", "&nbsp;")
            text += f"<br><b>Sign in again</b> with the button below, or run <code>{command}</code>"
        return text

    def _add_rows(self, result: AccountResult) -> None:
        """Build every row in a box that is not yet on the card, then show the box once: showing
        each row on a visible card lays the card out again per row (quadratic in the rows)."""
        selectable = len(result.records) > 1
        if selectable:
            self._group = QButtonGroup(self)
            self._group.setExclusive(True)
            self._group.buttonClicked.connect(self._picked)
        box = QWidget()
        box.setObjectName("recordRows")
        rows = QVBoxLayout(box)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(self._body.spacing())
        for record in result.records:
            row = RecordRow(record, result.jobs.get(record.key, ()), selectable=selectable)
            if self._group is not None and row.radio is not None:
                self._group.addButton(row.radio)
            self.rows.append(row)
            rows.addWidget(row)
        if result.more:
            self.more_label = label(f"and {result.more} more in {result.account_label}", name="moreRecords",
                                    role="muted", wrap=True)
            rows.addWidget(self.more_label)
        add_shown(self._body, box)

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
