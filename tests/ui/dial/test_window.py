"""Dialling from the UI: tray → Dial… (keyboard first), a card's Call back, the buttons of a call no
softphone reports, and the tray saying the softphone is away."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.models import Direction, Record, RecordType
from app.core.people_search import PeopleFound
from app.core.ports import FoundPerson
from app.core.views import CallState, TrayState
from app.ui.card.card import CallCard
from app.ui.dial.window import DialDialog
from app.ui.tray.tray import TrayController
from tests.ui.helpers import HARBOURLINE, PRIYA, RW, T0, TR, UNKNOWN_NUMBER, FakeControls, call, found, not_found

HARBOURLINE_NUMBER = "+61370100200"


@pytest.fixture
def controls() -> FakeControls:
    fake = FakeControls()
    fake.recent = [  # newest first, as Controls.recent_calls gives them
        call(found(RW, PRIYA), call_id="c3", state=CallState.ENDED, started_at=T0 + timedelta(minutes=9)),
        call(found(TR, *HARBOURLINE), call_id="c2", number=HARBOURLINE_NUMBER, number_display="(03) 7010 0200",
             state=CallState.MISSED, started_at=T0 + timedelta(minutes=5)),
        call(found(RW, PRIYA), call_id="c1", state=CallState.ENDED, direction=Direction.OUTBOUND),
        call(not_found(RW), call_id="c0", number="withheld", number_display="withheld", invalid_reason="no number"),
    ]
    return fake


@pytest.fixture
def dialog(qtbot: QtBot, controls: FakeControls) -> Iterator[DialDialog]:
    window = DialDialog(controls)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


def shown_rows(dialog: DialDialog) -> list[str]:
    rows = [dialog.recent_list.item(r) for r in range(dialog.recent_list.count())]
    return [row.text() for row in rows if not row.isHidden()]


def test_typing_a_number_and_enter_dials_it(qtbot: QtBot, dialog: DialDialog, controls: FakeControls) -> None:
    assert QApplication.focusWidget() is dialog.number_edit  # ready to type
    qtbot.keyClicks(dialog.number_edit, "0412 345 678")
    with qtbot.waitSignal(dialog.dialled):
        qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Return)
    assert controls.named("dial") == [("0412 345 678",)]
    assert not dialog.isVisible()


def test_a_pasted_number_dials_as_pasted(qtbot: QtBot, dialog: DialDialog, controls: FakeControls) -> None:
    QApplication.clipboard().setText("+61 (0)2 5550 0250")
    dialog.number_edit.paste()
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Enter)
    assert controls.named("dial") == [("+61 (0)2 5550 0250",)]


def test_enter_with_nothing_typed_dials_nothing(qtbot: QtBot, dialog: DialDialog, controls: FakeControls) -> None:
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Return)
    assert controls.named("dial") == [] and dialog.isVisible()


def test_recent_calls_are_listed_once_per_number_newest_first(dialog: DialDialog) -> None:
    rows = shown_rows(dialog)
    assert len(rows) == 2  # Priya twice → once; the withheld number is not callable
    assert rows[0].startswith("Priya Raman  ·  0491 570 006   ↙ ")
    assert rows[1].startswith("Daniel O'Connor  ·  (03) 7010 0200   ↙ ")


def test_typing_filters_and_down_picks_then_enter_dials(
    qtbot: QtBot, dialog: DialDialog, controls: FakeControls
) -> None:
    qtbot.keyClicks(dialog.number_edit, "daniel")
    assert [r.split("  ·")[0] for r in shown_rows(dialog)] == ["Daniel O'Connor"]
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Down)
    assert dialog.number_edit.text() == HARBOURLINE_NUMBER
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Return)
    assert controls.named("dial") == [(HARBOURLINE_NUMBER,)]


def test_digits_find_a_number_however_it_is_written(qtbot: QtBot, dialog: DialDialog) -> None:
    qtbot.keyClicks(dialog.number_edit, "7010 02")
    assert [r.split("  ·")[0] for r in shown_rows(dialog)] == ["Daniel O'Connor"]
    dialog.number_edit.clear()
    qtbot.keyClicks(dialog.number_edit, "0412")  # nobody: the list hides, the typed number stays
    assert shown_rows(dialog) == [] and not dialog.recent_list.isVisible()


def test_up_and_down_walk_the_list(qtbot: QtBot, dialog: DialDialog) -> None:
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Down)
    assert dialog.number_edit.text() == HARBOURLINE_NUMBER
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Up)
    assert dialog.number_edit.text() == "+61491570006"


def test_a_double_click_dials_at_once(qtbot: QtBot, dialog: DialDialog, controls: FakeControls) -> None:
    item = dialog.recent_list.item(1)
    rect = dialog.recent_list.visualItemRect(item)
    # A real double-click is a click, then a second press within the interval (Qt 6 wants both).
    qtbot.mouseClick(dialog.recent_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dialog.recent_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert controls.named("dial") == [(HARBOURLINE_NUMBER,)]


def test_escape_closes_without_dialling(qtbot: QtBot, dialog: DialDialog, controls: FakeControls) -> None:
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and controls.named("dial") == []


# -- from the tray ------------------------------------------------------------------------------


@pytest.fixture
def tray(qtbot: QtBot, controls: FakeControls) -> Iterator[TrayController]:
    controller = TrayController(controls)
    if controller.main_window is not None:
        qtbot.addWidget(controller.main_window)
    yield controller
    controller.hide()


def test_tray_dial_opens_one_dialog_ready_to_type(qtbot: QtBot, tray: TrayController, controls: FakeControls) -> None:
    assert tray.main_window is not None
    tray.main_window.show()
    qtbot.mouseClick(tray.main_window.dial_button, Qt.MouseButton.LeftButton)  # the fallback window's Dial…
    dialog = tray.menu.dial_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    tray.menu.dial_action.trigger()
    assert tray.menu.dial_dialog is dialog  # not a second one
    qtbot.keyClicks(dialog.number_edit, "0491 570 006")
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Return)
    assert controls.named("dial") == [("0491 570 006",)]
    qtbot.waitUntil(lambda: tray.menu.dial_dialog is None)


def test_the_tray_says_when_the_softphone_is_not_connected(tray: TrayController) -> None:
    tray.set_state(TrayState.OFFLINE.value, "baresip at 127.0.0.1:4444; Ringside keeps trying")
    assert tray.tooltip() == "Ringside — Softphone not connected\nbaresip at 127.0.0.1:4444; Ringside keeps trying"
    assert tray.main_window is not None
    assert tray.main_window.state_label.text() == "Softphone not connected"


# -- on the card ----------------------------------------------------------------------------------


def make_card(qtbot: QtBot, controls: FakeControls, view: object) -> CallCard:
    card = CallCard(controls, view)  # type: ignore[arg-type]
    qtbot.addWidget(card)
    card.show()
    qtbot.waitExposed(card)
    return card


@pytest.mark.parametrize("state", [CallState.ENDED, CallState.MISSED])
def test_call_back_on_an_ended_or_missed_call(qtbot: QtBot, controls: FakeControls, state: CallState) -> None:
    card = make_card(qtbot, controls, call(found(RW, PRIYA), state=state, can_answer=True))
    assert card.call_back_button.isVisible()
    assert not card.answer_button.isVisible() and not card.hang_up_button.isVisible()
    qtbot.mouseClick(card.call_back_button, Qt.MouseButton.LeftButton)
    assert controls.named("dial") == [("+61491570006",)]


def test_no_call_back_while_the_call_is_on_or_without_a_number(qtbot: QtBot, controls: FakeControls) -> None:
    ringing = make_card(qtbot, controls, call(found(RW, PRIYA), can_answer=True))
    assert not ringing.call_back_button.isVisible()
    withheld = make_card(qtbot, controls, call(call_id="c9", number="anonymous", invalid_reason="no number",
                                               state=CallState.MISSED))
    assert not withheld.call_back_button.isVisible()


def test_a_call_no_softphone_reports_is_recorded_with_the_cards_buttons(
    qtbot: QtBot, controls: FakeControls
) -> None:
    view = replace(call(found(RW, PRIYA), direction=Direction.OUTBOUND, can_answer=True), manual=True)
    card = make_card(qtbot, controls, view)
    assert card.answer_button.isVisible() and card.answer_button.text() == "Connected"
    assert card.hang_up_button.isVisible() and card.hang_up_button.text() == "Call ended"
    qtbot.mouseClick(card.answer_button, Qt.MouseButton.LeftButton)
    card.render(replace(call(found(RW, PRIYA), direction=Direction.OUTBOUND, can_answer=True,
                             state=CallState.ANSWERED), manual=True))
    assert not card.answer_button.isVisible() and card.hang_up_button.text() == "Call ended"
    qtbot.mouseClick(card.hang_up_button, Qt.MouseButton.LeftButton)
    assert controls.named("answer") == [("c1",)] and controls.named("hang_up") == [("c1",)]


def test_a_softphones_outbound_call_offers_only_hang_up(qtbot: QtBot, controls: FakeControls) -> None:
    card = make_card(qtbot, controls, call(found(RW, PRIYA), direction=Direction.OUTBOUND, can_answer=True,
                                           number=UNKNOWN_NUMBER))
    assert not card.answer_button.isVisible()
    assert card.hang_up_button.isVisible() and card.hang_up_button.text() == "Hang up"


# -- issue 14, point 9 ----------------------------------------------------------------------------


def test_an_invalid_number_stays_typed_and_says_why(qtbot: QtBot, dialog: DialDialog, controls: FakeControls) -> None:
    qtbot.keyClicks(dialog.number_edit, "0491 5")
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.number_edit.text() == "0491 5"
    assert dialog.error_label.isVisible() and "not a phone number" in dialog.error_label.text()
    assert controls.named("dial") == []
    qtbot.keyClicks(dialog.number_edit, "70 006")
    assert not dialog.error_label.isVisible()  # typing again clears the reason


def test_a_name_finds_people_in_the_call_history(qtbot: QtBot, dialog: DialDialog, controls: FakeControls) -> None:
    controls.history = [call(found(RW, ETHAN_RW), call_id="h9", number="+61491570157", number_display="0491 570 157",
                             state=CallState.ENDED, started_at=T0 - timedelta(days=20))]
    qtbot.keyClicks(dialog.number_edit, "quokka")  # Ethan's company, only in history
    shown = [dialog.recent_list.item(r) for r in range(dialog.recent_list.count())
             if not dialog.recent_list.item(r).isHidden()]
    assert [item.text().split("   ")[0] for item in shown] == ["Ethan Brooks  ·  0491 570 157"]
    assert dialog.hint_label.text() == "Found in your calls"
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.number_edit, Qt.Key.Key_Return)
    assert controls.named("dial") == [("+61491570157",)]


def test_a_search_with_no_result_says_so(qtbot: QtBot, dialog: DialDialog) -> None:
    qtbot.keyClicks(dialog.number_edit, "Zanzibar")
    assert not dialog.recent_list.isVisible()
    assert dialog.hint_label.isVisible() and "No one called “Zanzibar”" in dialog.hint_label.text()


ETHAN_RW = Record(account_id="rw", type=RecordType.CANDIDATE, id="77", name="Ethan Brooks", company="Quokka Digital")


# -- finding people in the CRMs (issue 14, point 9) --------------------------------------------------

MEI_TR = FoundPerson(account_id="tr", name="Mei Lin Chen", company="Harbourline Logistics", kind="Contact",
                     phone="03 7010 0201")
MEI_RC = FoundPerson(account_id="rc", name="Mei Lin Chen", kind="Customer", phone="+61 3 7010 0201")


@pytest.fixture
def crm_dialog(qtbot: QtBot, controls: FakeControls) -> Iterator[DialDialog]:
    controls.crms = ["TrackerRMS", "retailCRM"]
    window = DialDialog(controls)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


def test_a_name_is_searched_in_every_crm_once_typing_pauses(
    qtbot: QtBot, crm_dialog: DialDialog, controls: FakeControls
) -> None:
    qtbot.keyClicks(crm_dialog.number_edit, "mei")
    assert controls.searches == []  # debounced: not a search per key
    qtbot.waitUntil(lambda: len(controls.searches) == 1)
    assert controls.searches[0][0] == "mei"
    assert crm_dialog.crm_label.isVisible() and crm_dialog.crm_label.text() == "Searching TrackerRMS and retailCRM…"


def test_each_crms_people_appear_as_they_arrive_and_dial(
    qtbot: QtBot, crm_dialog: DialDialog, controls: FakeControls
) -> None:
    qtbot.keyClicks(crm_dialog.number_edit, "mei lin")
    qtbot.waitUntil(lambda: len(controls.searches) == 1)
    query, found = controls.searches[0]
    found(PeopleFound(query, "rc", "retailCRM", (MEI_RC,)))  # the faster one first; TrackerRMS still asked
    assert shown_rows(crm_dialog) == ["Mei Lin Chen  ·  +61 3 7010 0201   retailCRM customer"]
    assert crm_dialog.crm_label.text() == "Searching TrackerRMS…"
    assert crm_dialog.hint_label.text() == "Found in your calls and CRMs"
    found(PeopleFound(query, "tr", "TrackerRMS", (MEI_TR,)))
    assert shown_rows(crm_dialog)[1] == "Mei Lin Chen  ·  Harbourline Logistics  ·  03 7010 0201   TrackerRMS contact"
    assert not crm_dialog.crm_label.isVisible()
    qtbot.keyClick(crm_dialog.number_edit, Qt.Key.Key_Down)
    qtbot.keyClick(crm_dialog.number_edit, Qt.Key.Key_Down)
    assert crm_dialog.number_edit.text() == "03 7010 0201"
    qtbot.keyClick(crm_dialog.number_edit, Qt.Key.Key_Return)
    assert controls.named("dial") == [("03 7010 0201",)]


def test_a_failing_crm_says_so_and_leaves_the_others(
    qtbot: QtBot, crm_dialog: DialDialog, controls: FakeControls
) -> None:
    qtbot.keyClicks(crm_dialog.number_edit, "mei")
    qtbot.waitUntil(lambda: len(controls.searches) == 1)
    query, found = controls.searches[0]
    found(PeopleFound(query, "tr", "TrackerRMS", error="TrackerRMS didn't answer within 3 s."))
    found(PeopleFound(query, "rc", "retailCRM", (MEI_RC,)))
    assert shown_rows(crm_dialog) == ["Mei Lin Chen  ·  +61 3 7010 0201   retailCRM customer"]
    assert crm_dialog.crm_label.text() == "TrackerRMS couldn't search: TrackerRMS didn't answer within 3 s."


def test_answers_to_an_earlier_search_are_dropped(
    qtbot: QtBot, crm_dialog: DialDialog, controls: FakeControls
) -> None:
    qtbot.keyClicks(crm_dialog.number_edit, "mei")
    qtbot.waitUntil(lambda: len(controls.searches) == 1)
    _query, found = controls.searches[0]
    qtbot.keyClicks(crm_dialog.number_edit, "x")  # "meix": the first search's answers are stale
    found(PeopleFound("mei", "rc", "retailCRM", (MEI_RC,)))
    assert shown_rows(crm_dialog) == []


def test_no_one_in_the_calls_or_the_crms_says_so(
    qtbot: QtBot, crm_dialog: DialDialog, controls: FakeControls
) -> None:
    qtbot.keyClicks(crm_dialog.number_edit, "Zanzibar")
    assert crm_dialog.hint_label.text() == "Looking for “Zanzibar”…"
    qtbot.waitUntil(lambda: len(controls.searches) == 1)
    query, found = controls.searches[0]
    found(PeopleFound(query, "tr", "TrackerRMS"))
    found(PeopleFound(query, "rc", "retailCRM"))
    assert crm_dialog.hint_label.text() == ("No one called “Zanzibar” in your calls or in TrackerRMS and retailCRM. "
                                            "Type their number to call it.")


def test_closing_cancels_a_running_search(qtbot: QtBot, crm_dialog: DialDialog, controls: FakeControls) -> None:
    qtbot.keyClicks(crm_dialog.number_edit, "mei")
    qtbot.waitUntil(lambda: len(controls.searches) == 1)
    qtbot.keyClick(crm_dialog.number_edit, Qt.Key.Key_Escape)
    assert [text for text, _found in controls.searches] == ["mei", ""]


def test_a_number_is_not_searched_in_the_crms(qtbot: QtBot, crm_dialog: DialDialog, controls: FakeControls) -> None:
    qtbot.keyClicks(crm_dialog.number_edit, "0491 57")
    assert not crm_dialog.crm_timer.isActive() and controls.searches == []
