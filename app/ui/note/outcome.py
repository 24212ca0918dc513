"""The note form's "how it went" row: the outcome, the open job the call was about (client contacts
with open jobs only), and "Call back in…" (none, 1 h, tomorrow 9:00, a date). It only reports choices;
`app.core.outcomes` writes them into the note and works out the reminder's time."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QGridLayout, QLabel, QWidget

from app.core.models import Job, RecordType
from app.core.outcomes import CallBackIn, call_back_at
from app.core.views import CallView

NO_CHOICE = "—"
ON_A_DATE = "date"


def open_jobs(view: CallView) -> list[Job]:
    """The open jobs of the call's chosen client contacts, each title and employer once."""
    seen: set[tuple[str, str]] = set()
    out: list[Job] = []
    chosen = {r.key for r in view.chosen() if r.type in (RecordType.CONTACT, RecordType.CLIENT)}
    for result in view.accounts:
        for key, jobs in result.jobs.items():
            if key not in chosen:
                continue
            for job in jobs:
                same = (job.title.casefold(), job.employer.casefold())
                if same not in seen:
                    seen.add(same)
                    out.append(job)
    return out


class HowItWent(QWidget):
    """Test accessors: `outcome_combo`, `job_combo`, `job_label`, `call_back_combo`, `date_edit`."""

    def __init__(self, outcomes: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        self.outcome_combo = QComboBox()
        self.outcome_combo.setObjectName("outcomeCombo")
        self.outcome_combo.setAccessibleName("How did the call go?")
        self.outcome_combo.addItem(NO_CHOICE, "")
        for outcome in outcomes:
            self.outcome_combo.addItem(outcome, outcome)
        self.job_label = QLabel("Job")
        self.job_combo = QComboBox()
        self.job_combo.setObjectName("jobCombo")
        self.job_combo.setAccessibleName("Which open job was the call about?")
        self.job_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.job_combo.setMinimumContentsLength(20)
        self.call_back_combo = QComboBox()
        self.call_back_combo.setObjectName("callBackCombo")
        self.call_back_combo.setAccessibleName("Remind me to call back")
        self.call_back_combo.addItem("No reminder", None)
        self.call_back_combo.addItem("In 1 hour", CallBackIn.HOUR)
        self.call_back_combo.addItem("Tomorrow 9:00", CallBackIn.TOMORROW)
        self.call_back_combo.addItem("On a date… (9:00)", ON_A_DATE)
        self.date_edit = QDateEdit(QDate.currentDate().addDays(2))
        self.date_edit.setObjectName("callBackDate")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setMinimumDate(QDate.currentDate())
        self.date_edit.setVisible(False)
        self.call_back_combo.currentIndexChanged.connect(
            lambda _i: self.date_edit.setVisible(self.call_back_combo.currentData() == ON_A_DATE))
        for row, (text, widget) in enumerate((("Outcome", self.outcome_combo), ("Job", self.job_combo),
                                              ("Call back in…", self.call_back_combo))):
            label = self.job_label if widget is self.job_combo else QLabel(text)
            label.setObjectName("formCaption")
            label.setBuddy(widget)
            grid.addWidget(label, row, 0)
            grid.addWidget(widget, row, 1, 1, 2 if widget is not self.call_back_combo else 1)
        grid.addWidget(self.date_edit, 2, 2)
        grid.setColumnStretch(1, 1)
        self.set_jobs([])

    def set_jobs(self, jobs: list[Job]) -> None:
        """Offer these open jobs (hidden when there are none), keeping the one already chosen."""
        was = self.job()
        self.job_combo.clear()
        self.job_combo.addItem(NO_CHOICE, "")
        for job in jobs:
            self.job_combo.addItem(job.title, job.title)  # the employer is the caller's own company
            if job.employer:
                self.job_combo.setItemData(self.job_combo.count() - 1, job.employer, Qt.ItemDataRole.ToolTipRole)
        index = self.job_combo.findData(was) if was else 0
        self.job_combo.setCurrentIndex(max(0, index))
        self.job_label.setVisible(bool(jobs))
        self.job_combo.setVisible(bool(jobs))

    def outcome(self) -> str:
        return str(self.outcome_combo.currentData() or "")

    def job(self) -> str:
        """The chosen job's title, as the note names it ("" when none)."""
        return str(self.job_combo.currentData() or "")

    def call_back_due(self, now: datetime) -> datetime | None:
        choice = self.call_back_combo.currentData()
        if choice is None:
            return None
        if choice == ON_A_DATE:
            picked = self.date_edit.date()
            return call_back_at(date(picked.year(), picked.month(), picked.day()), now)
        return call_back_at(CallBackIn(choice), now)
