"""CallCard renders hand-built CallViews and turns clicks into Controls intents."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from helpers import (
    JA,
    PRIYA,
    PRIYA_JOBS,
    RW,
    SAMS,
    FakeControls,
    call,
    error,
    found,
    not_found,
    pending,
    with_notes,
)
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.core.models import Direction, Job, NoteStatus
from app.core.views import CallState, CallView
from app.ui.card import CARD_WIDTH, CallCard


@pytest.fixture
def controls() -> FakeControls:
    return FakeControls()


def make_card(qtbot: QtBot, controls: FakeControls, view: CallView) -> CallCard:
    card = CallCard(controls, view)
    qtbot.addWidget(card)
    return card


def visible_texts(card: CallCard, name: str) -> list[str]:
    return [label.text() for label in card.findChildren(QLabel, name) if label.isVisibleTo(card)]


def test_one_match_shows_type_name_title_company_link_and_jobs(qtbot: QtBot, controls: FakeControls) -> None:
    view = call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}), not_found(JA))
    card = make_card(qtbot, controls, view)

    assert card.number_label.text() == "0412 345 678"
    assert "Incoming call" in card.direction_label.text()
    assert card.state_label.text() == "Ringing…"
    [row] = card.record_rows()
    assert row.badge.text() == "Contact"
    assert "Priya Raman" in row.name_label.text()
    assert 'href="https://app.recruitwizard.com/contacts/1042"' in row.name_label.text()
    assert row.name_label.openExternalLinks()
    assert row.detail_label.text() == "Head of Talent Acquisition · Atlassian"
    assert row.radio is None  # a single match needs no picking
    jobs = [label.text() for label in row.job_labels]
    assert len(jobs) == 3
    assert "Senior Java Developer" in jobs[0]
    assert 'href="https://app.recruitwizard.com/jobs/311"' in jobs[0]
    assert "Atlassian" in jobs[0] and "Sydney,&nbsp;NSW" in jobs[0]
    assert row.more_label is None
    section = card.section("ja")
    assert section is not None and section.status_label is not None
    assert section.status_label.text() == "No match in JobAdder"


def test_jobs_are_capped_with_a_more_line(qtbot: QtBot, controls: FakeControls) -> None:
    jobs = tuple(Job(id=str(i), title=f"Role {i}", employer="Atlassian") for i in range(8))
    card = make_card(qtbot, controls, call(found(RW, PRIYA, jobs={PRIYA.key: jobs})))
    [row] = card.record_rows()
    assert len(row.job_labels) == 5
    assert row.more_label is not None and "+3 more" in row.more_label.text()


def test_progressive_updates_fill_sections_in_place(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(pending(RW), pending(JA)))
    rw, ja = card.section("rw"), card.section("ja")
    assert rw is not None and ja is not None
    assert visible_texts(card, "lookupStatus") == ["Looking up…", "Looking up…"]
    assert card.record_rows() == []

    card.render(call(found(RW, PRIYA, complete=False), pending(JA)))
    assert card.section("rw") is rw and card.section("ja") is ja
    assert len(card.record_rows()) == 1
    assert ja.rebuilds == 1  # the account that did not change was left alone
    assert visible_texts(card, "lookupStatus") == ["Looking up…"]
    assert visible_texts(card, "loadingMore") == ["Loading open jobs…"]

    card.render(call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}), not_found(JA)))
    card.render(call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}), not_found(JA)))  # repeat: no-op
    rows = card.record_rows()
    assert len(rows) == 1 and len(rows[0].job_labels) == 3
    assert rw.rebuilds == 3
    assert visible_texts(card, "lookupStatus") == ["No match in JobAdder"]
    assert visible_texts(card, "loadingMore") == []
    assert len(visible_texts(card, "recordName")) == 1


def test_a_visible_card_grows_to_fit_late_results(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(pending(RW)))
    card.show()
    qtbot.waitExposed(card)
    before = card.height()
    card.render(call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}), not_found(JA)))
    [row] = card.record_rows()
    assert row.isVisible() and all(label.isVisible() for label in row.job_labels)
    assert card.height() > before + 60
    last_job = row.job_labels[-1]
    bottom = last_job.mapTo(card, QPoint(0, last_job.height())).y()
    assert bottom <= card.height()  # nothing clipped
    ja = card.section("ja")
    assert ja is not None and ja.isVisible()


def test_error_replaces_the_pending_indicator(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(found(JA, SAMS[0]), pending(RW)))
    card.render(call(found(JA, SAMS[0]), error(RW, "Recruit Wizard didn't answer in 3 s")))
    section = card.section("rw")
    assert section is not None and section.error_label is not None
    assert "Recruit Wizard didn't answer in 3 s" in section.error_label.text()
    assert "Sign in again" not in section.error_label.text()
    assert visible_texts(card, "lookupStatus") == []  # nothing left "looking up"
    assert [r.record.name for r in card.record_rows()] == ["Sam Taylor"]


def test_error_needing_sign_in_says_so(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(error(JA, "Your JobAdder sign-in has expired.", needs_sign_in=True)))
    section = card.section("ja")
    assert section is not None and section.error_label is not None
    assert "sign-in has expired" in section.error_label.text()
    assert "Sign in again" in section.error_label.text()


def test_several_matches_are_picked_with_radio_buttons(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(found(JA, *SAMS)))
    rows = card.record_rows("ja")
    assert len(rows) == 3
    assert all(r.radio is not None and not r.radio.isChecked() for r in rows)
    section = card.section("ja")
    assert section is not None and "pick one" in section.meta_label.text()

    assert rows[1].radio is not None
    qtbot.mouseClick(rows[1].radio, Qt.MouseButton.LeftButton)
    assert controls.named("select_record") == [("c1", "ja", SAMS[1].key)]

    card.render(call(found(JA, *SAMS), selected={"ja": SAMS[1].key}))
    assert card.record_rows("ja") == rows  # same widgets, just re-marked
    assert [r.property("selected") for r in rows] == [False, True, False]
    assert rows[1].radio.isChecked()
    assert section.meta_label.text() == "3 matches"

    # Clicking the row itself (not its link) picks it too.
    qtbot.mouseClick(rows[2], Qt.MouseButton.LeftButton, pos=QPoint(rows[2].width() - 5, 5))
    assert controls.named("select_record")[-1] == ("c1", "ja", SAMS[2].key)


def test_pick_by_keyboard(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(found(JA, *SAMS)))
    radio = card.record_rows()[0].radio
    assert radio is not None
    assert radio.focusPolicy() & Qt.FocusPolicy.TabFocus
    qtbot.keyClick(radio, Qt.Key.Key_Space)
    assert controls.named("select_record") == [("c1", "ja", SAMS[0].key)]


def test_invalid_number_shows_the_reason_and_no_sections(qtbot: QtBot, controls: FakeControls) -> None:
    view = call(number="abc", number_display="abc", invalid_reason="'abc' is not a phone number.")
    card = make_card(qtbot, controls, view)
    card.show()
    assert card.invalid_label.isVisible()
    assert card.invalid_label.text() == "'abc' is not a phone number."
    assert card.sections() == [] and card.record_rows() == []
    assert not card.empty_label.isVisible()


def test_header_follows_the_call(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(found(RW, PRIYA)))
    assert not card.clock_running

    answered = call(
        found(RW, PRIYA), state=CallState.ANSWERED, started_at=datetime.now().astimezone() - timedelta(seconds=140)
    )
    card.render(answered)
    assert re.fullmatch(r"In call 02:1[45]", card.state_label.text())
    assert card.clock_running

    card.render(call(found(RW, PRIYA), state=CallState.ENDED, duration_s=252))
    assert card.state_label.text() == "Ended · 4m 12s"
    assert not card.clock_running

    card.render(call(found(RW, PRIYA), state=CallState.MISSED))
    assert card.state_label.text() == "Missed"

    card.render(call(found(RW, PRIYA), direction=Direction.OUTBOUND))
    assert "Outgoing call" in card.direction_label.text()


def test_answer_and_hang_up(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(found(RW, PRIYA), can_answer=True))
    assert card.answer_button.isVisibleTo(card) and card.hang_up_button.isVisibleTo(card)
    qtbot.mouseClick(card.answer_button, Qt.MouseButton.LeftButton)
    assert controls.named("answer") == [("c1",)]

    card.render(call(found(RW, PRIYA), can_answer=True, state=CallState.ANSWERED))
    assert not card.answer_button.isVisibleTo(card)
    assert card.hang_up_button.text() == "Hang up"
    qtbot.mouseClick(card.hang_up_button, Qt.MouseButton.LeftButton)
    assert controls.named("hang_up") == [("c1",)]

    card.render(call(found(RW, PRIYA), can_answer=True, state=CallState.ENDED))
    assert not card.hang_up_button.isVisibleTo(card)


def test_no_call_buttons_when_the_source_cannot_answer(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(found(RW, PRIYA)))
    assert not card.answer_button.isVisibleTo(card)
    assert not card.hang_up_button.isVisibleTo(card)


def test_close_button_dismisses(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(found(RW, PRIYA)))
    card.show()
    with qtbot.waitSignal(card.closed) as closed:
        qtbot.mouseClick(card.close_button, Qt.MouseButton.LeftButton)
    assert closed.args == ["c1"]
    assert controls.named("dismiss") == [("c1",)]
    assert not card.isVisible()


def test_escape_dismisses(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(found(RW, PRIYA)))
    card.show()
    qtbot.keyClick(card, Qt.Key.Key_Escape)
    assert controls.named("dismiss") == [("c1",)]


def test_card_shown_is_reported_once_after_painting(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(pending(RW)))
    assert controls.named("card_shown") == []
    card.show()
    qtbot.waitUntil(lambda: controls.named("card_shown") == [("c1",)])
    card.hide()
    card.show()
    qtbot.wait(0)
    assert controls.named("card_shown") == [("c1",)]


def test_note_statuses_show_in_the_footer(qtbot: QtBot, controls: FakeControls) -> None:
    ended = call(found(RW, PRIYA), state=CallState.ENDED)
    card = make_card(qtbot, controls, ended)
    assert card.note_labels == []
    card.render(with_notes(ended, NoteStatus.PENDING))
    assert [label.text() for label in card.note_labels] == ["Logging note… — Priya Raman in Recruit Wizard"]
    card.render(with_notes(ended, NoteStatus.FAILED, "Recruit Wizard refused the note (403)."))
    [label] = card.note_labels
    assert label.text() == "Note failed — Priya Raman in Recruit Wizard: Recruit Wizard refused the note (403)."
    assert label.property("noteStatus") == "failed"
    card.render(with_notes(ended, NoteStatus.LOGGED))
    assert [label.text() for label in card.note_labels] == ["Note logged ✓ — Priya Raman in Recruit Wizard"]


def test_sections_follow_account_order_and_removal(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(pending(RW), pending(JA)))
    card.render(call(not_found(JA), pending(RW)))
    assert [s.account_id for s in card.sections()] == ["ja", "rw"]
    card.render(call(not_found(JA)))
    assert [s.account_id for s in card.sections()] == ["ja"]
    assert card.section("rw") is None


def test_no_accounts_says_so(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call())
    card.show()
    assert card.empty_label.isVisible()


def test_window_is_a_quiet_tool_window_near_the_corner(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS})))
    flags = card.windowFlags()
    assert flags & Qt.WindowType.FramelessWindowHint
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    assert (flags & Qt.WindowType.Tool) == Qt.WindowType.Tool
    assert card.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert card.width() == CARD_WIDTH
    card.place()
    screen = card.screen().availableGeometry()
    assert card.geometry().right() <= screen.right()
    assert card.geometry().bottom() <= screen.bottom()
    assert screen.right() - card.geometry().right() < 40


def test_render_refuses_another_call(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call())
    with pytest.raises(ValueError, match="c2"):
        card.render(replace(call(), call_id="c2"))
