"""One matched record on a call card: `RecordRow` (badge, name, title · company, open jobs, and a
pick when its account found several), and the HTML the card's jobs are shown with."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFocusEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QRadioButton, QSizePolicy, QVBoxLayout, QWidget

from app.core.models import Job, Record
from app.ui.common import format as fmt
from app.ui.common.rich_text import escape
from app.ui.common.style import color
from app.ui.common.widgets import add_shown, label, link_html, link_label, set_state_property

MAX_JOBS = 5


def job_html(job: Job) -> str:
    """Two lines: the title, linking to the job, then 'Kestrel Software · Barangaroo, NSW' smaller,
    each part kept whole when that line wraps."""
    title = link_html(job.title, job.link)
    if not job.link:
        title = f'<span style="color:{color("ink")};">{title}</span>'
    parts = [escape(p, quote=False).replace(" ", "&nbsp;") for p in (job.employer, job.location) if p]
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
        add_shown(self._column, box, self._column.geometry().width() if self.isVisible() else 0)
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
