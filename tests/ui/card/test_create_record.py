"""The Create buttons, the Create form, CV drops and unlinkable note targets, on hand-made views
(the whole flow against the TrackerRMS emulator is in test_create_record_flow.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.core.models import Record, RecordType
from app.core.ports import NewPerson, NewRecordKind
from app.core.views import CallState, CallView, Creatable, CreateStatus, Creation
from app.ui.card.card import CallCard
from app.ui.card.create_record import CreateRecordForm
from app.ui.note.form import NoteForm
from tests.ui.helpers import ETHAN, PRIYA, RW, TR, FakeControls, call, found, not_found

UNKNOWN = "+61491570159"
OFFICE_LINE = "+61370100200"
TRACKER = Creatable(kinds=((NewRecordKind.CONTACT, "Contact"), (NewRecordKind.CANDIDATE, "Talent"),
                           (NewRecordKind.LEAD, "Lead")), from_resume=True)


def unknown_call(*accounts: object, number: str = UNKNOWN, **kwargs: object) -> CallView:
    view = call(*(accounts or (found(RW, PRIYA), not_found(TR))), number=number,  # type: ignore[arg-type]
                number_display="0491 570 159", **kwargs)  # type: ignore[arg-type]
    return replace(view, creatable={"tr": TRACKER})


def show_card(qtbot: QtBot, controls: FakeControls, view: CallView) -> CallCard:
    card = CallCard(controls, view)
    qtbot.addWidget(card)
    card.show()
    return card


def open_form(qtbot: QtBot, controls: FakeControls, view: CallView, kind: NewRecordKind) -> CreateRecordForm:
    form = CreateRecordForm(controls, view, "tr", kind)
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    return form


def creation(status: CreateStatus, message: str, seq: int) -> Creation:
    return Creation("tr", NewRecordKind.CONTACT, "Jane Selby", status, message, seq=seq)


# -- the buttons on the card ---------------------------------------------------------------------


def test_buttons_only_under_no_match_in_an_account_that_can_create(qtbot: QtBot, controls: FakeControls) -> None:
    card = show_card(qtbot, controls, unknown_call())
    bar = card.section("tr").create_bar  # type: ignore[union-attr]
    rw_bar = card.section("rw").create_bar  # type: ignore[union-attr]
    assert bar.isVisible() and not rw_bar.isVisible()
    assert [b.text() for b in bar.buttons.values()] == ["Create contact", "Create talent", "Create lead"]
    assert bar.hint_label.isVisible()  # …or drop a CV

    card.render(replace(unknown_call(found(RW, PRIYA), found(TR, ETHAN)), creatable={"tr": TRACKER}))
    assert not bar.isVisible()


def test_buttons_wait_while_creating_and_the_outcome_shows(qtbot: QtBot, controls: FakeControls) -> None:
    view = unknown_call()
    card = show_card(qtbot, controls, view)
    bar = card.section("tr").create_bar  # type: ignore[union-attr]
    card.render(replace(view, creations={"tr": creation(CreateStatus.WORKING, "Creating Jane Selby…", 1)}))
    assert not any(b.isEnabled() for b in bar.buttons.values())
    assert bar.status_label.text() == "Creating Jane Selby…"
    assert bar.status_label.property("createStatus") == "working"
    card.render(replace(view, creations={"tr": creation(CreateStatus.FAILED, "TrackerRMS is down.", 1)}))
    assert all(b.isEnabled() for b in bar.buttons.values())
    assert bar.status_label.property("createStatus") == "failed"


def test_a_button_opens_its_form_by_keyboard(qtbot: QtBot, controls: FakeControls) -> None:
    card = show_card(qtbot, controls, unknown_call())
    button = card.section("tr").create_bar.buttons[NewRecordKind.LEAD]  # type: ignore[union-attr]
    assert button in card.focus_chain()
    button.setFocus()
    qtbot.keyClick(card, Qt.Key.Key_Return)
    form = card.create_forms.form("tr")
    assert form is not None and form.kind is NewRecordKind.LEAD


# -- the form -------------------------------------------------------------------------------------


def test_the_form_checks_as_typed_and_saves_a_person(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, unknown_call(), NewRecordKind.CANDIDATE)
    assert form.windowTitle() == "New talent — TrackerRMS"
    assert form.save_button.text() == "Create talent"
    assert not any(e.isVisibleTo(form) for e in form.errors.values())  # nothing shouted before typing
    form.save_button.click()  # empty names: every problem shows, the first field takes the keyboard
    assert form.errors["first_name"].text() == "First name is required."
    assert form.errors["last_name"].text() == "Last name is required."
    assert form.fields["first_name"].hasFocus()
    assert controls.named("create_record") == []

    qtbot.keyClicks(form.fields["first_name"], "Jane")
    assert not form.errors["first_name"].isVisibleTo(form)
    qtbot.keyClicks(form.fields["last_name"], "Selby")
    form.fields["phone"].selectAll()
    qtbot.keyClicks(form.fields["phone"], "12")
    assert form.errors["phone"].text() == "Phone isn't a number that can be dialled."
    form.fields["phone"].selectAll()
    qtbot.keyClicks(form.fields["phone"], "(03) 7010 0200")  # read in the caller's country
    assert not form.errors["phone"].isVisibleTo(form)
    qtbot.keyClick(form.fields["phone"], Qt.Key.Key_Return)

    [(call_id, account_id, kind, person)] = controls.named("create_record")
    assert (call_id, account_id, kind) == ("c1", "tr", NewRecordKind.CANDIDATE)
    assert person == NewPerson(first_name="Jane", last_name="Selby", phone="+61370100200", phone_kind="mobile")
    assert form.status_label.text() == "Creating Jane Selby in TrackerRMS…"
    assert not form.save_button.isEnabled() and form.fields["first_name"].isReadOnly()


def test_an_office_number_goes_in_the_work_field(qtbot: QtBot, controls: FakeControls) -> None:
    view = unknown_call(number=OFFICE_LINE)
    form = open_form(qtbot, controls, view, NewRecordKind.CONTACT)
    assert form.fields["phone"].text() == "(03) 7010 0200"
    assert form.phone_kind.currentData() == "work"


def test_a_lead_says_who_it_is_about(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, unknown_call(), NewRecordKind.LEAD)
    assert form.lead_for is not None
    assert [form.lead_for.itemText(i) for i in range(form.lead_for.count())] == ["Contact", "Talent"]
    form.lead_for.setCurrentIndex(1)
    form.fields["first_name"].setText("Jane")
    form.fields["last_name"].setText("Selby")
    person = form.person()
    assert person is not None and person.lead_for == "candidate"


def test_the_form_follows_its_own_save(qtbot: QtBot, controls: FakeControls) -> None:
    earlier = creation(CreateStatus.FAILED, "An earlier problem.", 3)
    view = replace(unknown_call(), creations={"tr": earlier})
    form = open_form(qtbot, controls, view, NewRecordKind.CONTACT)
    form.update_view(view)
    assert not form.status_label.isVisible()  # an earlier create's outcome is not this form's
    form.fields["first_name"].setText("Jane")
    form.fields["last_name"].setText("Selby")
    form.save()
    form.update_view(replace(view, creations={"tr": creation(CreateStatus.FAILED, "TrackerRMS is down.", 4)}))
    assert form.status_label.text() == "TrackerRMS is down."
    assert form.save_button.isEnabled()
    form.save()
    with qtbot.waitSignal(form.formClosed):
        form.update_view(replace(view, creations={"tr": creation(CreateStatus.DONE, "Created.", 5)}))
    assert not form.isVisible()


def test_esc_cancels_without_creating(qtbot: QtBot, controls: FakeControls) -> None:
    form = open_form(qtbot, controls, unknown_call(), NewRecordKind.CONTACT)
    with qtbot.waitSignal(form.formClosed):
        qtbot.keyClick(form.fields["first_name"], Qt.Key.Key_Escape)
    assert controls.named("create_record") == []


# -- CV drops ------------------------------------------------------------------------------------


def test_a_dropped_cv_is_confirmed_first(qtbot: QtBot, controls: FakeControls, tmp_path: Path) -> None:
    cv = tmp_path / "Jane Selby CV.docx"
    cv.write_bytes(b"PK\x03\x04")
    card = show_card(qtbot, controls, unknown_call())
    assert card.cv_drop.drop([cv])
    dialog = card.cv_drop.dialog
    assert dialog is not None and dialog.account_combo is None
    assert dialog.text_label.text() == "Create a talent in TrackerRMS from 'Jane Selby CV.docx'?"
    assert dialog.create_button.text() == "Create talent"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert controls.named("create_from_resume") == []
    assert card.cv_drop.drop([cv])
    assert card.cv_drop.dialog is not None
    qtbot.keyClick(card.cv_drop.dialog, Qt.Key.Key_Return)
    assert controls.named("create_from_resume") == [("c1", "tr", cv)]


def test_one_cv_at_a_time_and_only_cvs(qtbot: QtBot, controls: FakeControls, tmp_path: Path) -> None:
    card = show_card(qtbot, controls, unknown_call())
    files = [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    for f in files:
        f.write_bytes(b"%PDF-1.4")
    assert not card.cv_drop.drop(files)
    assert card.cv_drop.notice.text() == "Drop one CV at a time."
    assert not card.cv_drop.drop([tmp_path / "notes.txt"])
    assert "drop a PDF, DOC or DOCX file" in card.cv_drop.notice.text()
    assert card.cv_drop.dialog is None


def test_a_cv_goes_only_where_the_caller_is_unknown_or_a_candidate(qtbot: QtBot, controls: FakeControls,
                                                                 tmp_path: Path) -> None:
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(b"%PDF-1.4")
    contact = Record(account_id="tr", type=RecordType.CONTACT, id="1", name="Daniel O'Connor")
    card = show_card(qtbot, controls, replace(unknown_call(found(TR, contact)), creatable={"tr": TRACKER}))
    assert not card.cv_drop.drop([cv])  # a contact's card: nothing to create a candidate for
    assert not card.cv_drop.notice.isVisible()
    card.render(replace(unknown_call(found(TR, ETHAN)), creatable={"tr": TRACKER}))
    assert card.cv_drop.drop([cv])


def test_two_accounts_that_read_cvs_are_offered_in_the_dialog(qtbot: QtBot, controls: FakeControls,
                                                             tmp_path: Path) -> None:
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(b"%PDF-1.4")
    second = ("tr2", "TrackerRMS (temps)")
    view = replace(unknown_call(not_found(TR), not_found(second)), creatable={"tr": TRACKER, "tr2": TRACKER})
    card = show_card(qtbot, controls, view)
    assert card.cv_drop.drop([cv])
    dialog = card.cv_drop.dialog
    assert dialog is not None and dialog.account_combo is not None
    dialog.account_combo.setCurrentIndex(1)
    dialog.create_button.click()
    assert controls.named("create_from_resume") == [("c1", "tr2", cv)]


# -- the note form, for a record that can't be linked ------------------------------------------------


def test_an_unlinked_record_is_unticked_with_a_way_out(qtbot: QtBot, controls: FakeControls) -> None:
    jane_contact = Record(account_id="tr", type=RecordType.CONTACT, id=None, name="Jane Selby",
                          company="Wonderful Java Inc")
    jane_candidate = jane_contact.model_copy(update={"type": RecordType.CANDIDATE})
    view = replace(call(found(TR, jane_contact, jane_candidate), state=CallState.ENDED, duration_s=60,
                        selected={"tr": jane_contact.key}), creatable={"tr": TRACKER})
    form = NoteForm(controls, view)
    qtbot.addWidget(form)
    form.show()
    assert form.target_checks[jane_contact.key].isChecked()
    reason = "TrackerRMS has no single contact named Jane Selby (it found 2) — pick or create the record."
    form.update_view(replace(view, unlinked={jane_contact.key: reason}))
    assert not form.target_checks[jane_contact.key].isChecked()
    notice = form.unlinked_notices[jane_contact.key]
    assert notice.reason_label.text() == reason
    assert list(notice.create_buttons) == [NewRecordKind.CONTACT]

    form.target_checks[jane_contact.key].setChecked(True)  # the recruiter ticks it again: it stays
    form.update_view(replace(view, unlinked={jane_contact.key: reason}, notes=()))
    assert form.target_checks[jane_contact.key].isChecked()

    assert notice.pick_combo is not None and notice.pick_combo.count() == 2
    notice.pick_combo.setCurrentIndex(1)
    notice.pick_combo.activated.emit(1)
    assert controls.named("select_record") == [("c1", "tr", jane_candidate.key)]

    notice = form.unlinked_notices[jane_contact.key]
    notice.create_buttons[NewRecordKind.CONTACT].click()
    create = form.create_forms.form("tr")
    assert create is not None
    assert [create.fields[n].text() for n in ("first_name", "last_name", "company")] == [
        "Jane", "Selby", "Wonderful Java Inc"]
    form.update_view(replace(view, unlinked={jane_contact.key: reason},
                             creations={"tr": creation(CreateStatus.WORKING, "Creating…", 1)}))
    assert create.isVisible()
