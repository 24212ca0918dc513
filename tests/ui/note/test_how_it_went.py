"""The note form's outcome, job and "Call back in…" choices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pytestqt.qtbot import QtBot

from app.core.views import CallState, CallView
from app.ui.note.form import NoteForm
from tests.ui.helpers import ETHAN, PRIYA, PRIYA_JOBS, RW, TR, FakeControls, call, found


def ended(*accounts: object) -> CallView:
    return call(*accounts, state=CallState.ENDED, duration_s=252)  # type: ignore[arg-type]


def open_form(qtbot: QtBot, controls: FakeControls, view: CallView, **kwargs: object) -> NoteForm:
    form = NoteForm(controls, view, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    return form


def test_outcome_and_job_head_the_note(qtbot: QtBot) -> None:
    controls = FakeControls()
    form = open_form(qtbot, controls, ended(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS})))
    how = form.how
    assert [how.outcome_combo.itemText(i) for i in range(how.outcome_combo.count())] == [
        "—", "Interested", "Not interested", "Left voicemail", "No answer", "Call back later"]
    assert how.job_combo.isVisible() and how.job_combo.count() == 4
    how.outcome_combo.setCurrentIndex(how.outcome_combo.findData("Interested"))
    how.job_combo.setCurrentIndex(how.job_combo.findData("Senior Backend Engineer (Python)"))
    qtbot.keyClicks(form.editor, "Sending two CVs Friday")
    form.save()
    assert controls.named("save_note") == [(
        "c1", "Outcome: Interested · Job: Senior Backend Engineer (Python)\nSending two CVs Friday", [PRIYA.key])]
    assert controls.named("call_back_later") == []


def test_no_job_choice_for_a_candidate_and_configured_outcomes(qtbot: QtBot) -> None:
    controls = FakeControls()
    form = open_form(qtbot, controls, ended(found(TR, ETHAN)), outcomes=("Booked", "Declined"))
    assert not form.how.job_combo.isVisible()
    assert form.how.outcome_combo.count() == 3
    form.how.outcome_combo.setCurrentIndex(2)
    form.save()
    assert controls.named("save_note") == [("c1", "Outcome: Declined", [ETHAN.key])]


def test_call_back_in_an_hour_sets_a_reminder(qtbot: QtBot) -> None:
    controls = FakeControls()
    form = open_form(qtbot, controls, ended(found(RW, PRIYA)))
    form.how.call_back_combo.setCurrentIndex(1)  # In 1 hour
    before = datetime.now(UTC)
    form.save()
    [(call_id, due)] = controls.named("call_back_later")
    assert call_id == "c1"
    assert before + timedelta(minutes=59) < due < datetime.now(UTC) + timedelta(minutes=61)


def test_on_a_date_shows_the_date_and_means_nine_that_morning(qtbot: QtBot) -> None:
    controls = FakeControls()
    form = open_form(qtbot, controls, ended(found(RW, PRIYA)))
    assert not form.how.date_edit.isVisible()
    form.how.call_back_combo.setCurrentIndex(3)
    assert form.how.date_edit.isVisible()
    form.save()
    [(_, due)] = controls.named("call_back_later")
    local = due.astimezone()
    assert (local.hour, local.minute) == (9, 0)
    assert local.date() == form.how.date_edit.date().toPython()
