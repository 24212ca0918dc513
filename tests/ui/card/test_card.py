"""CallCard renders hand-built CallViews and turns clicks into Controls intents."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from app.core.models import Direction, Job, NoteStatus
from app.core.views import CallState, CallView
from app.ui.card.card import CARD_WIDTH, CallCard
from tests.ui.helpers import (
    ETHAN,
    HARBOURLINE,
    HARBOURLINE_NUMBER,
    PRIYA,
    PRIYA_JOBS,
    RW,
    TR,
    FakeControls,
    call,
    error,
    found,
    not_found,
    pending,
    with_notes,
)


def make_card(qtbot: QtBot, controls: FakeControls, view: CallView) -> CallCard:
    card = CallCard(controls, view)
    qtbot.addWidget(card)
    return card


def visible_texts(card: CallCard, name: str) -> list[str]:
    return [label.text() for label in card.findChildren(QLabel, name) if label.isVisibleTo(card)]


def test_one_match_shows_type_name_title_company_link_and_jobs(qtbot: QtBot, controls: FakeControls) -> None:
    view = call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}), not_found(TR))
    card = make_card(qtbot, controls, view)

    assert card.number_label.text() == "0491 570 006"
    assert "Incoming call" in card.direction_label.text()
    assert card.state_label.text() == "Ringing…"
    [row] = card.record_rows()
    assert row.badge.text() == "Contact"
    assert "Priya Raman" in row.name_label.text()
    assert 'href="https://app.recruitwizard.com/secure/contacts/details.aspx?ContactID=533995"' in row.name_label.text()
    assert row.name_label.openExternalLinks()
    assert row.detail_label.text() == "Head of Engineering · Kestrel Software"
    assert row.radio is None  # a single match needs no picking
    jobs = [label.text() for label in row.job_labels]
    assert len(jobs) == 3
    assert "Senior Backend Engineer (Python)" in jobs[0]
    assert 'href="https://app.recruitwizard.com/secure/jobs/details.aspx?JobID=240311"' in jobs[0]
    assert "Kestrel&nbsp;Software" in jobs[0] and "Barangaroo,&nbsp;NSW" in jobs[0]
    assert row.more_label is None
    section = card.section("tr")
    assert section is not None and section.status_label is not None
    assert section.status_label.text() == "No match in TrackerRMS"


def test_jobs_are_capped_with_a_more_line(qtbot: QtBot, controls: FakeControls) -> None:
    jobs = tuple(Job(id=str(i), title=f"Role {i}", employer="Kestrel Software") for i in range(8))
    card = make_card(qtbot, controls, call(found(RW, PRIYA, jobs={PRIYA.key: jobs})))
    [row] = card.record_rows()
    assert len(row.job_labels) == 5
    assert row.more_label is not None and "+3 more" in row.more_label.text()


def test_progressive_updates_fill_sections_in_place(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(pending(RW), pending(TR)))
    rw, tr = card.section("rw"), card.section("tr")
    assert rw is not None and tr is not None
    assert visible_texts(card, "lookupStatus") == ["Looking up…", "Looking up…"]
    assert card.record_rows() == []

    card.render(call(found(RW, PRIYA, complete=False), pending(TR)))
    assert card.section("rw") is rw and card.section("tr") is tr
    assert len(card.record_rows()) == 1
    assert tr.rebuilds == 1  # the account that did not change was left alone
    assert visible_texts(card, "lookupStatus") == ["Looking up…"]
    assert visible_texts(card, "loadingMore") == ["Loading open jobs…"]

    card.render(call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}), not_found(TR)))
    card.render(call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}), not_found(TR)))  # repeat: no-op
    rows = card.record_rows()
    assert len(rows) == 1 and len(rows[0].job_labels) == 3
    assert rw.rebuilds == 3
    assert visible_texts(card, "lookupStatus") == ["No match in TrackerRMS"]
    assert visible_texts(card, "loadingMore") == []
    assert len(visible_texts(card, "recordName")) == 1


def test_a_visible_card_grows_to_fit_late_results(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(pending(RW)))
    card.show()
    qtbot.waitExposed(card)
    before = card.height()
    card.render(call(found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS}), not_found(TR)))
    [row] = card.record_rows()
    assert row.isVisible() and all(label.isVisible() for label in row.job_labels)
    assert card.height() > before + 60
    last_job = row.job_labels[-1]
    bottom = last_job.mapTo(card, QPoint(0, last_job.height())).y()
    assert bottom <= card.height()  # nothing clipped
    tr = card.section("tr")
    assert tr is not None and tr.isVisible()


def test_error_replaces_the_pending_indicator(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(found(TR, ETHAN), pending(RW)))
    card.render(call(found(TR, ETHAN), error(RW, "Recruit Wizard didn't answer within 3 s.")))
    section = card.section("rw")
    assert section is not None and section.error_label is not None
    assert "Recruit Wizard didn't answer within 3 s." in section.error_label.text()
    assert "Sign in again" not in section.error_label.text()
    assert visible_texts(card, "lookupStatus") == []  # nothing left "looking up"
    assert [r.record.name for r in card.record_rows()] == ["Ethan Brooks"]


def test_error_needing_sign_in_says_so(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(error(TR, "TrackerRMS needs you to sign in again.", needs_sign_in=True)))
    section = card.section("tr")
    assert section is not None and section.error_label is not None
    assert "TrackerRMS needs you to sign in again." in section.error_label.text()
    assert "Sign in again" in section.error_label.text()


def test_several_matches_are_picked_with_radio_buttons(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(found(TR, *HARBOURLINE), number=HARBOURLINE_NUMBER))
    rows = card.record_rows("tr")
    assert len(rows) == 2
    assert all(r.radio is not None and not r.radio.isChecked() for r in rows)
    section = card.section("tr")
    assert section is not None and "pick one" in section.meta_label.text()

    assert rows[1].radio is not None
    qtbot.mouseClick(rows[1].radio, Qt.MouseButton.LeftButton)
    assert controls.named("select_record") == [("c1", "tr", HARBOURLINE[1].key)]

    card.render(call(found(TR, *HARBOURLINE), number=HARBOURLINE_NUMBER, selected={"tr": HARBOURLINE[1].key}))
    assert card.record_rows("tr") == rows  # same widgets, just re-marked
    assert [r.property("selected") for r in rows] == [False, True]
    assert rows[1].radio.isChecked()
    assert section.meta_label.text() == "2 matches"

    # Clicking the row itself (not its link) picks it too.
    qtbot.mouseClick(rows[0], Qt.MouseButton.LeftButton, pos=QPoint(rows[0].width() - 5, 5))
    assert controls.named("select_record")[-1] == ("c1", "tr", HARBOURLINE[0].key)


def test_pick_by_keyboard(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(found(TR, *HARBOURLINE), number=HARBOURLINE_NUMBER))
    radio = card.record_rows()[0].radio
    assert radio is not None
    assert radio.focusPolicy() & Qt.FocusPolicy.TabFocus
    qtbot.keyClick(radio, Qt.Key.Key_Space)
    assert controls.named("select_record") == [("c1", "tr", HARBOURLINE[0].key)]


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
    card = make_card(qtbot, controls, call(pending(RW), pending(TR)))
    card.render(call(not_found(TR), pending(RW)))
    assert [s.account_id for s in card.sections()] == ["tr", "rw"]
    card.render(call(not_found(TR)))
    assert [s.account_id for s in card.sections()] == ["tr"]
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


def test_open_jobs_that_failed_say_so_under_the_record(qtbot: QtBot, controls: FakeControls) -> None:
    result = found(RW, PRIYA).model_copy(update={"error": "Open jobs unavailable: Recruit Wizard didn't answer."})
    card = make_card(qtbot, controls, call(result))
    section = card.section("rw")
    assert section is not None and section.note_label is not None
    assert section.note_label.text() == "Open jobs unavailable: Recruit Wizard didn't answer."
    assert [r.record.name for r in card.record_rows()] == ["Priya Raman"]
    assert section.error_label is None  # the record still shows: this is a note, not a failure


def active_card(qtbot: QtBot, controls: FakeControls, view: CallView) -> CallCard:
    """A card the recruiter has clicked into (cards never take focus when they pop)."""
    card = make_card(qtbot, controls, view)
    card.show()
    card.activateWindow()
    qtbot.waitUntil(card.isActiveWindow)
    return card


def test_tab_walks_picks_links_and_buttons_in_order(qtbot: QtBot, controls: FakeControls) -> None:
    view = call(found(TR, *HARBOURLINE), found(RW, PRIYA, jobs={PRIYA.key: PRIYA_JOBS[:1]}), can_answer=True)
    card = active_card(qtbot, controls, view)
    daniel, mei_lin, priya = card.record_rows()
    expected = [
        daniel.radio,
        daniel.name_label,
        mei_lin.radio,
        mei_lin.name_label,
        priya.name_label,
        priya.job_labels[0],
        card.answer_button,
        card.hang_up_button,
        card.close_button,
    ]
    assert [w for w in card.focus_chain() if not w.isHidden()] == expected  # Call back shows once it ended
    assert daniel.radio is not None
    daniel.radio.setFocus()
    seen = [QApplication.focusWidget()]
    for _ in expected[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert seen == expected


def test_links_without_an_address_are_not_keyboard_stops(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(found(RW, PRIYA.model_copy(update={"link": None}))))
    [row] = card.record_rows()
    assert not row.name_label.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert card.focus_chain() == [card.answer_button, card.hang_up_button, card.call_back_button,
                                  card.close_button]


def test_enter_picks_the_focused_record_and_outlines_it(qtbot: QtBot, controls: FakeControls) -> None:
    card = active_card(qtbot, controls, call(found(TR, *HARBOURLINE), number=HARBOURLINE_NUMBER))
    rows = card.record_rows()
    radio = rows[1].radio
    assert radio is not None
    radio.setFocus()
    assert rows[1].property("focused") is True and rows[0].property("focused") is False
    qtbot.keyClick(radio, Qt.Key.Key_Return)
    assert controls.named("select_record") == [("c1", "tr", HARBOURLINE[1].key)]
    qtbot.keyClick(radio, Qt.Key.Key_Tab)
    assert rows[1].property("focused") is False


def test_enter_presses_the_focused_button_and_esc_still_dismisses(qtbot: QtBot, controls: FakeControls) -> None:
    card = active_card(qtbot, controls, call(found(RW, PRIYA), can_answer=True))
    card.answer_button.setFocus()
    qtbot.keyClick(card.answer_button, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert controls.named("answer") == [("c1",)]
    [row] = card.record_rows()
    row.name_label.setFocus()
    qtbot.keyClick(row.name_label, Qt.Key.Key_Escape)
    assert controls.named("dismiss") == [("c1",)]
