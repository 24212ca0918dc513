"""Creating a CRM record for a caller: the Create contact / candidate / lead buttons under an
account's "No match" on the card (`CreateBar`), and the form each opens (`CreateRecordForm`).

The form comes prefilled with the caller's number — marked as a mobile or a work number by the kind
of number, so the connector puts it in the right phone field — and, when opened from the note form
for a record that couldn't be linked, with that record's name, job title and company. Fields are
checked as they are typed against `NewPerson`'s own rules. Save sends `Controls.create_record`; the
form then shows "Creating…" until the call's view says how it went, closes on success (the card
re-looks the number up and shows the new record) and shows the reason otherwise.

Keyboard: Tab walks the fields, Enter saves, Esc cancels.
"""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.models import AccountResult, LookupStatus, Record
from app.core.phone import PhoneNumber, try_normalise
from app.core.ports import NewPerson, NewRecordKind
from app.core.records import phone_kind, split_name
from app.core.views import CallView, Controls, Creatable, CreateStatus, Creation
from app.ui.common.widgets import delete_later, label, set_state_property

FORM_WIDTH = 420
PHONE_KINDS = (("mobile", "Mobile"), ("work", "Work"), ("home", "Home"))
FIELD_NAMES = {"first_name": "First name", "last_name": "Last name", "job_title": "Job title",
               "company": "Company", "phone": "Phone", "email": "E-mail", "note": "Note"}


def create_text(creatable: Creatable, kind: NewRecordKind) -> str:
    """'Create contact', 'Create candidate' (in this account's words)."""
    return f"Create {creatable.label(kind).lower()}"


class CreateBar(QWidget):
    """Under one account's section: the Create buttons while the account has no match for the
    number, and how the latest create from this call went (also for a dropped CV).

    Signals:
        createRequested(str, object)   account id, NewRecordKind: open that form
    """

    createRequested = Signal(str, object)

    def __init__(self, account_id: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.setObjectName("createBar")
        self.buttons: dict[NewRecordKind, QPushButton] = {}
        self._signature: object = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.setSpacing(6)
        self._row = QHBoxLayout()
        self._row.setSpacing(4)
        layout.addLayout(self._row)
        self.hint_label = label("…or drop a CV (PDF, DOC, DOCX) on this card.", name="createHint", role="muted",
                                wrap=True)
        layout.addWidget(self.hint_label)
        self.status_label = label(name="createStatus", wrap=True)
        layout.addWidget(self.status_label)
        self.hide()

    def focus_chain(self) -> list[QWidget]:
        return [b for b in self.buttons.values() if not b.isHidden()]

    def update_view(self, view: CallView, result: AccountResult | None) -> None:
        creatable = view.creatable.get(self.account_id)
        creation = view.creations.get(self.account_id)
        no_match = result is not None and (
            result.status is LookupStatus.NOT_FOUND or (result.status is LookupStatus.FOUND and not result.records))
        offer = creatable is not None and bool(creatable.kinds) and no_match and view.e164 is not None
        signature = (creatable, creation, offer)
        if signature == self._signature:
            return
        self._signature = signature
        if offer and creatable is not None:
            self._buttons(creatable)
        for button in self.buttons.values():
            button.setVisible(offer)
            button.setEnabled(creation is None or creation.status is not CreateStatus.WORKING)
        self.hint_label.setVisible(offer and creatable is not None and creatable.from_resume)
        self._show_status(creation)
        self.setVisible(offer or creation is not None)

    def _buttons(self, creatable: Creatable) -> None:
        if [k for k, _ in creatable.kinds] == list(self.buttons):
            for kind, button in self.buttons.items():
                button.setText(create_text(creatable, kind))
            return
        for button in self.buttons.values():
            button.hide()
            button.deleteLater()
        self.buttons = {}
        for kind, _ in creatable.kinds:
            button = QPushButton(create_text(creatable, kind))
            button.setObjectName("createButton")
            button.setAutoDefault(False)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(f"{create_text(creatable, kind)} for this caller, with the number filled in")
            button.clicked.connect(lambda _=False, k=kind: self.createRequested.emit(self.account_id, k))
            self.buttons[kind] = button
            self._row.addWidget(button)
        self._row.addStretch(1)

    def _show_status(self, creation: Creation | None) -> None:
        self.status_label.setVisible(creation is not None)
        if creation is None:
            return
        self.status_label.setText(creation.message)
        set_state_property(self.status_label, "createStatus", creation.status.value)


class CreateRecordForm(QDialog):
    """One record to create, for one call and account.

    Signals:
        formClosed(str)   account id; saved (and created) or cancelled

    Test accessors: `kind`, `account_id`, `fields` (name -> QLineEdit: first_name, last_name,
    job_title, company, phone, email), `note_editor`, `phone_kind`, `lead_for` (leads only),
    `errors` (name -> QLabel), `status_label`, `save_button`, `cancel_button`, `person()`.
    """

    formClosed = Signal(str)

    def __init__(self, controls: Controls, view: CallView, account_id: str, kind: NewRecordKind, *,
                 prefill: Record | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controls = controls
        self._view = view
        self.account_id = account_id
        self.kind = kind
        self._creatable = view.creatable.get(account_id) or Creatable()
        self._account_label = next((a.account_label for a in view.accounts if a.account_id == account_id), account_id)
        self._phone: PhoneNumber | None = try_normalise(view.e164 or "", None)
        self._touched: set[str] = set()
        self._tried = False  # Save was pressed: every problem shows, typed or not
        self._sent_after: int | None = None  # the seq of the latest create when Save was pressed

        noun = self._creatable.label(kind)
        self.setObjectName("createForm")
        self.setWindowTitle(f"New {noun.lower()} — {self._account_label}")
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.setFixedWidth(FORM_WIDTH)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        title = QLabel(f"New {self._account_label} {noun.lower()}")
        title.setObjectName("formTitle")
        layout.addWidget(title)
        number = view.number_display if view.e164 else view.number
        subtitle = QLabel(f"For the caller on {number}")
        subtitle.setObjectName("formWhen")
        layout.addWidget(subtitle)

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        layout.addLayout(grid)
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        first, last = split_name(prefill.name) if prefill is not None else ("", "")
        values = {"first_name": first, "last_name": last,
                  "job_title": prefill.job_title if prefill else "", "company": prefill.company if prefill else "",
                  "phone": self._phone.display(self._phone.region) if self._phone else "", "email": ""}
        row = 0
        for name, value in values.items():
            row = self._add_field(grid, row, name, value)
        self.phone_kind = QComboBox()
        self.phone_kind.setObjectName("phoneKind")
        self.phone_kind.setAccessibleName("Kind of phone number")
        for key, text in PHONE_KINDS:
            self.phone_kind.addItem(text, key)
        self.phone_kind.setCurrentIndex(self.phone_kind.findData(phone_kind(self._phone.e164) if self._phone
                                                                 else "mobile"))
        grid.addWidget(self.phone_kind, self._row_of("phone"), 2)
        self.lead_for: QComboBox | None = None
        if kind is NewRecordKind.LEAD:
            self.lead_for = QComboBox()
            self.lead_for.setObjectName("leadFor")
            self.lead_for.addItem(self._creatable.label(NewRecordKind.CONTACT), "contact")
            self.lead_for.addItem(self._creatable.label(NewRecordKind.CANDIDATE), "candidate")
            caption = QLabel("Lead about a")
            caption.setBuddy(self.lead_for)
            grid.addWidget(caption, row, 0)
            grid.addWidget(self.lead_for, row, 1, 1, 2)
            row += 1
        note_caption = QLabel("Note")
        self.note_editor = QPlainTextEdit()
        self.note_editor.setObjectName("createNote")
        self.note_editor.setPlaceholderText("Optional: why they called")
        self.note_editor.setTabChangesFocus(True)
        self.note_editor.setFixedHeight(64)
        self.note_editor.setAccessibleName("Note")
        note_caption.setBuddy(self.note_editor)
        grid.addWidget(note_caption, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.note_editor, row, 1, 1, 2)

        self.status_label = label(name="createFormStatus", wrap=True)
        self.status_label.hide()
        layout.addWidget(self.status_label)

        footer = QHBoxLayout()
        footer.addStretch(1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("skipButton")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(lambda: self.reject())  # not the C++ slot: see notes_box.py
        self.save_button = QPushButton(create_text(self._creatable, kind))
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)  # Enter in any field saves
        self.save_button.clicked.connect(self.save)
        footer.addWidget(self.cancel_button)
        footer.addWidget(self.save_button)
        layout.addLayout(footer)

        self._check()
        self.fields["first_name" if not first else "job_title"].setFocus()

    # -- building ----------------------------------------------------------------------------------

    def _add_field(self, grid: QGridLayout, row: int, name: str, value: str) -> int:
        caption = QLabel(FIELD_NAMES[name] + (" *" if name in ("first_name", "last_name") else ""))
        edit = QLineEdit(value)
        edit.setObjectName(f"field_{name}")
        edit.setAccessibleName(FIELD_NAMES[name])
        edit.textEdited.connect(lambda _text, n=name: self._edited(n))
        caption.setBuddy(edit)
        error = label(name="fieldError", wrap=True)
        error.hide()
        grid.addWidget(caption, row, 0)
        grid.addWidget(edit, row, 1, 1, 1 if name == "phone" else 2)
        grid.addWidget(error, row + 1, 1, 1, 2)
        self.fields[name] = edit
        self.errors[name] = error
        return row + 2

    def _row_of(self, name: str) -> int:
        return list(self.fields).index(name) * 2

    # -- checking as typed ---------------------------------------------------------------------------

    def _edited(self, name: str) -> None:
        self._touched.add(name)
        self._check()

    def _problems(self) -> tuple[NewPerson | None, dict[str, str]]:
        problems: dict[str, str] = {}
        text = {name: edit.text() for name, edit in self.fields.items()}
        phone = ""
        if text["phone"].strip():
            region = self._phone.region if self._phone is not None else None
            parsed = try_normalise(text["phone"], region)
            if parsed is None:
                problems["phone"] = "Phone isn't a number that can be dialled."
            else:
                phone = parsed.e164
        data = {**text, "phone": phone, "phone_kind": self.phone_kind.currentData(),
                "note": self.note_editor.toPlainText()}
        if self.lead_for is not None:
            data["lead_for"] = self.lead_for.currentData()
        try:
            person = NewPerson.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                name = str(error["loc"][0]) if error["loc"] else ""
                reason = str(error["msg"]).removeprefix("Value error, ")
                problems.setdefault(name, f"{FIELD_NAMES.get(name, name)} {reason}.")
            return None, problems
        return (person if not problems else None), problems

    def _check(self) -> NewPerson | None:
        person, problems = self._problems()
        for name, error in self.errors.items():
            shown = problems.get(name, "") if (self._tried or name in self._touched) else ""
            error.setText(shown)
            error.setVisible(bool(shown))
            set_state_property(self.fields[name], "invalid", bool(shown))
        return person

    def person(self) -> NewPerson | None:
        """What Save would send, or None while something is missing or wrong."""
        return self._problems()[0]

    # -- saving ----------------------------------------------------------------------------------------

    def save(self) -> None:
        if self._sent_after is not None:
            return  # already creating
        self._tried = True
        person = self._check()
        if person is None:
            first_bad = next((n for n, e in self.errors.items() if e.isVisibleTo(self)), None)
            if first_bad is not None:
                self.fields[first_bad].setFocus()
            return
        latest = self._view.creations.get(self.account_id)
        self._sent_after = latest.seq if latest is not None else 0
        self._working(True)
        self._status(f"Creating {person.full_name} in {self._account_label}…", "working")
        self._controls.create_record(self._view.call_id, self.account_id, self.kind, person)

    def update_view(self, view: CallView) -> None:
        if view.call_id != self._view.call_id:
            raise ValueError(f"create form for call {self._view.call_id} was given call {view.call_id}")
        self._view = view
        creation = view.creations.get(self.account_id)
        if self._sent_after is None or creation is None or creation.seq <= self._sent_after:
            return
        if creation.status is CreateStatus.DONE:
            self.accept()
        elif creation.status is CreateStatus.FAILED:
            self._sent_after = None
            self._working(False)
            self._status(creation.message, "failed")

    def _working(self, working: bool) -> None:
        for edit in self.fields.values():
            edit.setReadOnly(working)
        for widget in (self.phone_kind, self.lead_for, self.save_button):
            if widget is not None:
                widget.setEnabled(not working)
        self.note_editor.setReadOnly(working)

    def _status(self, text: str, status: str) -> None:
        self.status_label.setText(text)
        set_state_property(self.status_label, "createStatus", status)
        self.status_label.show()
        self.adjustSize()

    def done(self, result: int) -> None:
        super().done(result)
        self.formClosed.emit(self.account_id)


class CreateForms(QObject):
    """The Create forms opened from one window (a card, a note form): one per account at most,
    kept up to date with the call's view, and closed with their window."""

    def __init__(self, controls: Controls, owner: QWidget) -> None:
        super().__init__(owner)
        self._controls = controls
        self._owner = owner
        self._forms: dict[str, CreateRecordForm] = {}

    def open(self, view: CallView, account_id: str, kind: NewRecordKind,
             prefill: Record | None = None) -> CreateRecordForm:
        form = self._forms.get(account_id)
        if form is not None and form.kind is not kind:
            form.reject()
            form = None
        if form is None:
            form = CreateRecordForm(self._controls, view, account_id, kind, prefill=prefill, parent=self._owner)
            form.formClosed.connect(self._closed)
            self._forms[account_id] = form
        form.show()
        form.raise_()
        form.activateWindow()
        return form

    def form(self, account_id: str) -> CreateRecordForm | None:
        return self._forms.get(account_id)

    def update_view(self, view: CallView) -> None:
        for form in list(self._forms.values()):
            form.update_view(view)

    def _closed(self, account_id: str) -> None:
        form = self._forms.pop(account_id, None)
        if form is not None:
            delete_later(form)
