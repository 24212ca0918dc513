"""Creating TrackerRMS records from the card, through the real app: runtime, widgets, the real
TrackerRMS connector and its emulator on loopback, all on one qasync loop, driven with keys, clicks
and drops the way a recruiter does."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.config.settings import GeneralSettings, Settings
from app.core.models import LookupStatus
from app.core.ports import NewRecordKind
from app.crm.trackerrms.settings import TrackerRmsAccount
from app.sandbox.demo_data import UNKNOWN_NUMBER, load_demo
from app.sandbox.runner import SandboxServer
from app.sandbox.trackerrms.server import TrackerRmsSandbox
from app.sandbox.trackerrms.store import RECRUITER, default_users
from app.storage.secrets import KeyringSecrets, MemoryKeyring
from app.ui.card.card import CallCard
from app.ui.card.create_record import CreateRecordForm
from tests.support import RunningApp, run, running_app, until

PRIYA = load_demo().person("priya-raman")  # a TrackerRMS contact at Kestrel Software
PASSWORD = next(u.password for u in default_users() if u.username == RECRUITER)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class App(RunningApp):
    sandbox: TrackerRmsSandbox

    def created(self, call: str) -> list[dict[str, object]]:
        return [c for c in self.sandbox.created() if c["call"] == call]


@pytest.fixture
def app(qapp: QApplication) -> Iterator[App]:
    sandbox = TrackerRmsSandbox()
    with SandboxServer(sandbox.make_app) as server:
        account = TrackerRmsAccount(kind="trackerrms", id="tr", label="TrackerRMS", api_url=server.url,
                                    auth="password", username=RECRUITER)
        secrets = KeyringSecrets(backend=MemoryKeyring())
        secrets.set("tr", "password", PASSWORD)
        settings = Settings(general=GeneralSettings(default_region="AU"), accounts=[account])
        with running_app(qapp, settings, secrets) as running:
            yield App(running.loop, running.runtime, running.shell, sandbox)


async def _card_for(app: App, number: str, status: LookupStatus) -> CallCard:
    app.runtime.controls.simulate_call(number)
    await until(lambda: app.shell.cards(), what="the card")
    card = app.shell.cards()[0]
    await until(lambda: (s := card.section("tr")) is not None and s.result is not None
                and s.result.status is status and s.result.complete, what=f"TrackerRMS to answer {status}")
    return card


async def _open_form(card: CallCard, kind: NewRecordKind) -> CreateRecordForm:
    section = card.section("tr")
    assert section is not None
    section.create_bar.buttons[kind].click()
    await until(lambda: card.create_forms.form("tr") is not None, what="the form")
    form = card.create_forms.form("tr")
    assert form is not None
    await until(form.isActiveWindow, what="the form to take the keyboard")
    return form


def _drop(card: CallCard, *files: Path) -> None:
    """Drag files over the card and let go, as a file manager does."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    at = QPoint(card.width() // 2, card.height() // 2)
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(at, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(card, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(at), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(card, drop)


def test_unknown_caller_becomes_a_contact_and_the_call_is_logged_against_it(app: App) -> None:
    async def scenario() -> None:
        card = await _card_for(app, UNKNOWN_NUMBER, LookupStatus.NOT_FOUND)
        section = card.section("tr")
        assert section is not None and section.create_bar.isVisible()
        assert [b.text() for b in section.create_bar.buttons.values()] == [
            "Create contact", "Create candidate", "Create lead"]
        assert all(b in card.focus_chain() for b in section.create_bar.buttons.values())  # reachable by Tab

        form = await _open_form(card, NewRecordKind.CONTACT)
        assert form.windowTitle() == "New contact — TrackerRMS"
        assert form.fields["phone"].text() == "0491 570 159"
        assert form.phone_kind.currentData() == "mobile"
        assert form.fields["first_name"].hasFocus()

        QTest.keyClicks(form.fields["first_name"], "Jane")
        QTest.keyClicks(form.fields["last_name"], "Selby")
        QTest.keyClicks(form.fields["job_title"], "Head of Talent")
        QTest.keyClicks(form.fields["company"], "Wonderful Java Inc")
        QTest.keyClicks(form.fields["email"], "jane.selby@")
        assert form.errors["email"].isVisibleTo(form)  # checked as typed
        assert form.errors["email"].text() == "E-mail is not an e-mail address."
        QTest.keyClicks(form.fields["email"], "wonderful.example")
        assert not form.errors["email"].isVisibleTo(form)
        QTest.keyClick(form.fields["email"], Qt.Key.Key_Return)  # Enter saves

        await until(lambda: card.create_forms.form("tr") is None, what="the form to close on success")
        await until(lambda: card.record_rows("tr"), what="the card to show the new contact")
        (row,) = card.record_rows("tr")
        assert "Jane Selby" in row.name_label.text()
        assert row.detail_label.text() == "Head of Talent · Wonderful Java Inc"
        assert not section.create_bar.buttons[NewRecordKind.CONTACT].isVisible()
        assert section.create_bar.status_label.text() == "Created in TrackerRMS: Jane Selby (contact)."

        (made,) = app.created("createContact")
        assert made["body"] == {
            "instructions": {"createcompanyifnotexists": True, "overwritecontact": False},
            "contact": {"firstname": "Jane", "lastname": "Selby", "fullname": "Jane Selby",
                        "jobtitle": "Head of Talent", "company": "Wonderful Java Inc",
                        "email": "jane.selby@wonderful.example", "cellphone": "0491 570 159"},
        }
        assert row.record.id == str(made["id"])  # the id TrackerRMS gave: no name search to log

        card.answer_button.click()
        await until(lambda: not card.answer_button.isVisible(), what="answered")
        card.hang_up_button.click()
        await until(lambda: app.shell.note_form(card.call_id) is not None, what="the note form")
        note = app.shell.note_form(card.call_id)
        assert note is not None and list(note.target_checks) == [row.record.key]
        note.editor.setPlainText("New client: wants a Java team lead.")
        note.save_button.click()
        await until(lambda: app.sandbox.activities(), what="the activity")
        (activity,) = app.sandbox.activities()
        assert activity["linkRecordType"] == "N" and activity["linkRecordId"] == made["id"]

    run(app.loop, scenario())
    searched = [e.json["trackerrms"]["getRecords"]["instructions"]["recordtype"]
                for e in app.sandbox.journal.entries("/api/widget/getRecords")]
    assert "N" not in searched  # Jane's id came with the create: no search by name to log the call


def test_a_cv_dropped_on_an_unknown_caller_becomes_a_candidate(app: App, tmp_path: Path) -> None:
    cv = tmp_path / "Jane Selby CV.pdf"
    cv.write_bytes(PDF)
    photo = tmp_path / "holiday.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n")

    async def scenario() -> None:
        card = await _card_for(app, UNKNOWN_NUMBER, LookupStatus.NOT_FOUND)
        _drop(card, photo)
        assert card.cv_drop.notice.isVisible()
        assert card.cv_drop.notice.text() == "'holiday.png' isn't a CV that can be sent: drop a PDF, DOC or DOCX file."
        assert card.cv_drop.dialog is None

        _drop(card, cv)
        dialog = card.cv_drop.dialog
        assert dialog is not None and dialog.isVisible()
        assert dialog.text_label.text() == "Create a candidate in TrackerRMS from 'Jane Selby CV.pdf'?"
        assert not card.cv_drop.notice.isVisible()
        assert app.created("createResourceFromResume") == []  # nothing before the recruiter says yes
        dialog.create_button.click()

        await until(lambda: card.record_rows("tr"), what="the new candidate on the card")
        (row,) = card.record_rows("tr")
        assert row.badge.text() == "Candidate" and "Jane Selby" in row.name_label.text()
        section = card.section("tr")
        assert section is not None and section.note_label is not None
        assert section.note_label.text() == ("Created from the CV: TrackerRMS doesn't have this number on the "
                                             "record yet.")
        (made,) = app.created("createResourceFromResume")
        assert row.record.id == str(made["id"])
        cv_file = made["body"]["file"]  # type: ignore[index]
        assert cv_file["filename"] == "Jane Selby CV.pdf"
        assert base64.b64decode(cv_file["data"]) == PDF
        # Nothing asks to overwrite: the v1.11 text offers no such flag for this call.
        assert made["body"]["instructions"] == {}  # type: ignore[index]

    run(app.loop, scenario())


def test_status_3_is_explained_in_the_form_and_on_the_card(app: App) -> None:
    async def scenario() -> None:
        card = await _card_for(app, UNKNOWN_NUMBER, LookupStatus.NOT_FOUND)
        form = await _open_form(card, NewRecordKind.CONTACT)
        QTest.keyClicks(form.fields["first_name"], "Priya")
        QTest.keyClicks(form.fields["last_name"], "Raman")
        QTest.keyClicks(form.fields["company"], "Kestrel Software")  # she is already in TrackerRMS
        form.save_button.click()
        assert not form.save_button.isEnabled()
        assert form.status_label.text() == "Creating Priya Raman in TrackerRMS…"
        await until(lambda: form.save_button.isEnabled(), what="the answer")
        expected = ("TrackerRMS already has Priya Raman and won't overwrite them — open the existing record "
                    "in TrackerRMS.")
        assert form.status_label.text() == expected
        assert form.isVisible()  # the recruiter reads it, then cancels
        section = card.section("tr")
        assert section is not None
        assert section.create_bar.status_label.text() == expected
        assert card.view.creations["tr"].exists
        assert section.create_bar.buttons[NewRecordKind.CONTACT].isEnabled()
        assert app.created("createContact") == []
        form.cancel_button.click()
        await until(lambda: card.create_forms.form("tr") is None, what="the form to close")

    run(app.loop, scenario())


def test_the_note_form_says_when_a_record_cannot_be_linked(app: App) -> None:
    # A duplicate: TrackerRMS has two Priya Ramans at Kestrel Software, so her id can't be told.
    app.sandbox.store.add("N", "Priya Raman", "Kestrel Software")

    async def scenario() -> None:
        card = await _card_for(app, PRIYA.numbers[0], LookupStatus.FOUND)
        (priya,) = [row.record for row in card.record_rows("tr")]
        card.answer_button.click()
        await until(lambda: not card.answer_button.isVisible(), what="answered")
        card.hang_up_button.click()
        await until(lambda: app.shell.note_form(card.call_id) is not None, what="the note form")
        form = app.shell.note_form(card.call_id)
        assert form is not None
        await until(lambda: priya.key in form.unlinked_notices, what="the note form to say so")
        notice = form.unlinked_notices[priya.key]
        assert notice.reason_label.text() == ("TrackerRMS has no single contact named Priya Raman (it found 2) "
                                              "— pick or create the record.")
        assert not form.target_checks[priya.key].isChecked()  # not logged against nothing
        assert notice.pick_combo is None  # TrackerRMS matched no one else on this number

        notice.create_buttons[NewRecordKind.CONTACT].click()
        await until(lambda: form.create_forms.form("tr") is not None, what="the create form")
        create = form.create_forms.form("tr")
        assert create is not None
        assert [create.fields[n].text() for n in ("first_name", "last_name", "job_title", "company", "phone")] == [
            "Priya", "Raman", priya.job_title, "Kestrel Software", "0491 570 006"]
        create.save_button.click()
        await until(lambda: create.save_button.isEnabled(), what="TrackerRMS's answer")
        assert "won't overwrite them" in create.status_label.text()
        create.reject()

        form.editor.setPlainText("Asked about the QA role.")
        form.save_button.click()

    run(app.loop, scenario())
    assert app.sandbox.activities() == []


def test_a_dropped_connection_leaves_no_spinner_and_says_to_check(app: App) -> None:
    from app.sandbox.faults import FaultKind

    app.sandbox.faults.inject("/api/widget/createContact", FaultKind.RESET)

    async def scenario() -> None:
        card = await _card_for(app, UNKNOWN_NUMBER, LookupStatus.NOT_FOUND)
        form = await _open_form(card, NewRecordKind.CONTACT)
        QTest.keyClicks(form.fields["first_name"], "Jane")
        QTest.keyClicks(form.fields["last_name"], "Selby")
        form.save_button.click()
        await until(lambda: form.save_button.isEnabled(), what="the failure")
        assert form.status_label.property("createStatus") == "failed"
        assert form.status_label.text().endswith("Check TrackerRMS for Jane Selby before trying again.")
        assert not form.fields["first_name"].isReadOnly()
        section = card.section("tr")
        assert section is not None
        assert section.create_bar.status_label.property("createStatus") == "failed"
        assert all(b.isEnabled() for b in section.create_bar.buttons.values())

    run(app.loop, scenario())
