"""A CV file dropped on a call's card becomes a candidate, once the recruiter confirms.

The card takes files dragged onto it while an account that reads CVs (TrackerRMS's
createResourceFromResume) has no match for the caller or knows them as a candidate. A PDF, DOC or
DOCX file opens a confirmation — "Create a candidate in TrackerRMS from 'Jane Selby CV.pdf'?" —
and Create sends `Controls.create_from_resume`; anything else is refused with a message on the card.
How it goes shows in the account's section (`create_record.CreateBar`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.models import LookupStatus, RecordType
from app.core.ports import NewRecordKind
from app.core.records import RESUME_SUFFIXES
from app.core.views import CallView, Controls
from app.ui.common.widgets import delete_later, label, set_state_property


def resume_accounts(view: CallView) -> list[tuple[str, str, str]]:
    """(account id, account label, its word for a candidate) of each account a CV dropped on this
    card could go to: it reads CVs, and it doesn't know the caller or knows them as a candidate."""
    out = []
    for result in view.accounts:
        creatable = view.creatable.get(result.account_id)
        if creatable is None or not creatable.from_resume:
            continue
        unknown = result.status is LookupStatus.NOT_FOUND or (
            result.status is LookupStatus.FOUND and not result.records)
        candidate = result.status is LookupStatus.FOUND and any(r.type is RecordType.CANDIDATE
                                                                 for r in result.records)
        if unknown or candidate:
            out.append((result.account_id, result.account_label, creatable.label(NewRecordKind.CANDIDATE).lower()))
    return out


def dropped_files(mime: QMimeData) -> list[Path]:
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []


class ResumeConfirm(QDialog):
    """"Create a candidate in TrackerRMS from 'Jane Selby CV.pdf'?" — with a choice of account when
    more than one could take it. Enter creates, Esc cancels.

    Test accessors: `text_label`, `account_combo` (None for one account), `create_button`,
    `cancel_button`, `account_id()`.
    """

    def __init__(self, path: Path, accounts: list[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._accounts = accounts
        _, account_label, noun = accounts[0]
        self.setObjectName("resumeConfirm")
        self.setWindowTitle("Create from CV")
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.setFixedWidth(400)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        where = account_label if len(accounts) == 1 else "your CRM"
        self.text_label = QLabel(f"Create a {noun} in {where} from '{path.name}'?")
        self.text_label.setObjectName("formTitle")
        self.text_label.setWordWrap(True)
        layout.addWidget(self.text_label)
        detail = QLabel(f"{where} reads the name and details from the CV, and won't overwrite someone it "
                        "already has.")
        detail.setObjectName("formWhen")
        detail.setWordWrap(True)
        layout.addWidget(detail)
        self.account_combo: QComboBox | None = None
        if len(accounts) > 1:
            self.account_combo = QComboBox()
            self.account_combo.setAccessibleName("Account to create the candidate in")
            for option_id, option_label, _ in accounts:
                self.account_combo.addItem(option_label, option_id)
            layout.addWidget(self.account_combo)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("skipButton")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(lambda: self.reject())  # not the C++ slot: see notes_box.py
        self.create_button = QPushButton(f"Create {noun}")
        self.create_button.setObjectName("saveButton")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(lambda: self.accept())  # not the C++ slot: see notes_box.py
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.create_button)
        layout.addLayout(buttons)
        self.create_button.setFocus()

    def account_id(self) -> str:
        if self.account_combo is not None:
            return str(self.account_combo.currentData())
        return self._accounts[0][0]


class CvDrop(QObject):
    """Installed on a card: takes drags of files, asks before creating, refuses what isn't a CV.

    `notice` is the card's line for refusals (the card lays it out); `highlight` is outlined while a
    file hovers over the card. Test accessors: `dialog` (the open confirmation), `drop(paths)`.
    """

    def __init__(self, card: QWidget, controls: Controls, view: Callable[[], CallView], highlight: QWidget) -> None:
        super().__init__(card)
        self._card = card
        self._controls = controls
        self._view = view
        self._highlight = highlight
        self.dialog: ResumeConfirm | None = None
        self.notice = label(name="dropNotice", wrap=True)
        self.notice.hide()
        card.setAcceptDrops(True)
        card.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self._card:
            return False
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragEnterEvent | QDropEvent)
            if dropped_files(event.mimeData()) and resume_accounts(self._view()):
                event.acceptProposedAction()
                set_state_property(self._highlight, "dropping", True)
            else:
                event.ignore()
            return True
        if kind == QEvent.Type.DragLeave:
            set_state_property(self._highlight, "dropping", False)
            return True
        if kind == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            set_state_property(self._highlight, "dropping", False)
            if self.drop(dropped_files(event.mimeData())):
                event.acceptProposedAction()
            else:
                event.ignore()
            return True
        return False

    def drop(self, paths: list[Path]) -> bool:
        """Files dropped on the card: ask to create a candidate from a CV, or say why not."""
        accounts = resume_accounts(self._view())
        if not accounts:
            return False
        if len(paths) != 1:
            self._refuse("Drop one CV at a time." if paths else "Only files on this computer can be dropped: "
                         "save the CV first.")
            return False
        path = paths[0]
        if path.suffix.lower() not in RESUME_SUFFIXES:
            self._refuse(f"'{path.name}' isn't a CV that can be sent: drop a PDF, DOC or DOCX file.")
            return False
        if not path.is_file():
            self._refuse(f"'{path.name}' can't be read: it isn't a file on this computer.")
            return False
        self.notice.hide()
        if self.dialog is not None:
            self.dialog.reject()
        dialog = ResumeConfirm(path, accounts, self._card)
        dialog.accepted.connect(lambda: self._confirmed(dialog))
        dialog.finished.connect(lambda _result: self._finished(dialog))
        self.dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return True

    def _refuse(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()
        self._card.adjustSize()

    def _confirmed(self, dialog: ResumeConfirm) -> None:
        self._controls.create_from_resume(self._view().call_id, dialog.account_id(), dialog.path)

    def _finished(self, dialog: ResumeConfirm) -> None:
        if self.dialog is dialog:
            self.dialog = None
        delete_later(dialog)
