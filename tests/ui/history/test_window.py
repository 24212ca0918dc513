"""The history window, the missed-call badge and the note actions on cards, with a fake Controls
that records intents (the real path is tests/ui/test_history_app.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from app.core.models import Direction, NoteStatus
from app.core.views import CallState, MissedCall, TrayState
from app.ui.bridge import Bridge
from app.ui.card.card import CallCard
from app.ui.history.window import HistoryWindow, when_text
from app.ui.note.actions import CONFIRM, DISMISS, RETRY
from app.ui.shell import UiShell
from app.ui.tray.badge import badge_text
from app.ui.tray.tray import TrayController
from tests.ui.helpers import PRIYA, RW, T0, TR, UNKNOWN_NUMBER, FakeControls, call, found, not_found, with_notes

ENDED = call(found(RW, PRIYA), not_found(TR), state=CallState.ENDED, duration_s=252)
MISSED = call(not_found(RW), call_id="m1", number=UNKNOWN_NUMBER, number_display="0491 570 159",
              state=CallState.MISSED, started_at=T0 - timedelta(days=1))
MISSED_PRIYA = MissedCall(key="+61491570006", number="+61491570006", number_display="0491 570 006",
                          e164="+61491570006", count=2, last_at=T0, call_id="c9", name="Priya Raman",
                          account_label="Recruit Wizard")


@pytest.fixture
def window(qtbot: QtBot, controls: FakeControls) -> HistoryWindow:
    w = HistoryWindow(controls)
    qtbot.addWidget(w)
    return w


def cells(window: HistoryWindow, row: int) -> list[str]:
    return [window.table.item(row, c).text() for c in range(window.table.columnCount())]  # type: ignore[union-attr]


def test_each_call_shows_when_which_way_who_how_long_and_its_note(window: HistoryWindow,
                                                                   controls: FakeControls) -> None:
    controls.history = [with_notes(ENDED, NoteStatus.LOGGED), MISSED]
    window.show()
    assert cells(window, 0) == [when_text(T0), "↙ In", "0491 570 006", "Priya Raman (Recruit Wizard)", "4m 12s",
                                "logged"]
    assert cells(window, 1) == [when_text(T0 - timedelta(days=1)), "↙ Missed", "0491 570 159", "", "—", "missed"]


def test_times_say_the_day_when_it_was_not_today() -> None:
    now = T0.replace(hour=18)
    assert when_text(T0, now) == "Today 14:02"
    assert when_text(T0 - timedelta(days=1), now) == "Yesterday 14:02"
    assert when_text(T0 - timedelta(days=2), now) == "Sun 2 Mar 14:02"


def test_a_failed_note_can_be_retried_or_given_up_on(window: HistoryWindow, controls: FakeControls) -> None:
    controls.history = [with_notes(ENDED, NoteStatus.FAILED, "Recruit Wizard refused the request: no record.")]
    window.show()
    assert window.select("c1")
    assert "Note failed — Priya Raman in Recruit Wizard: Recruit Wizard refused" in window.detail_label.text()
    assert window.retry_button.isEnabled() and not window.confirm_button.isEnabled()
    window.retry_button.click()
    assert controls.named("retry_note") == [("c1", PRIYA.key)]
    (links,) = window.note_action_rows
    links.linkActivated.emit(DISMISS)
    assert controls.named("dismiss_note") == [("c1", PRIYA.key)]


def test_an_unconfirmed_note_is_confirmed_or_sent_again(window: HistoryWindow, controls: FakeControls) -> None:
    controls.history = [with_notes(ENDED, NoteStatus.UNCONFIRMED, "It may or may not have been logged.")]
    window.show()
    window.select("c1")
    assert cells(window, 0)[-1] == "check note"
    assert "Note may not have been logged" in window.detail_label.text()
    (links,) = window.note_action_rows
    assert "Check Priya Raman" in links.text() and PRIYA.link is not None
    window.confirm_button.click()
    assert controls.named("confirm_note") == [("c1", PRIYA.key)]
    links.linkActivated.emit(RETRY)
    assert controls.named("retry_note") == [("c1", PRIYA.key)]


def test_a_call_never_noted_gets_its_note_afterwards(qtbot: QtBot, window: HistoryWindow,
                                                     controls: FakeControls) -> None:
    controls.history = [ENDED]
    window.show()
    window.select("c1")
    assert window.note_button.text() == "Write note…" and window.note_button.isEnabled()
    window.note_button.click()
    form = window.note_form
    assert form is not None and form.isVisible()
    assert form.selected_keys() == [PRIYA.key]
    form.editor.setPlainText("Called back about the Java role.")
    form.save_button.click()
    assert controls.named("save_note") == [("c1", "Called back about the Java role.", [PRIYA.key])]
    qtbot.waitUntil(lambda: window.note_form is None)


def test_a_note_not_yet_gone_is_edited_with_its_text(window: HistoryWindow, controls: FakeControls) -> None:
    failed = with_notes(ENDED, NoteStatus.FAILED, "refused")
    failed = replace(failed, notes=(replace(failed.notes[0], text="First go at it."),))
    controls.history = [failed, with_notes(replace(ENDED, call_id="c2"), NoteStatus.LOGGED)]
    window.show()
    window.select("c1")
    assert window.note_button.text() == "Edit note…"
    window.note_button.click()
    assert window.note_form is not None and window.note_form.editor.toPlainText() == "First go at it."
    window.select("c2")
    assert not window.note_button.isEnabled()  # logged: the CRM has it; nothing to edit


def test_calls_still_ringing_or_without_a_match_take_no_note(window: HistoryWindow, controls: FakeControls) -> None:
    controls.history = [call(found(RW, PRIYA), call_id="live", state=CallState.ANSWERED), MISSED]
    window.show()
    for call_id in ("live", "m1"):
        window.select(call_id)
        assert not window.note_button.isEnabled()


def test_call_back_and_open_card(qtbot: QtBot, window: HistoryWindow, controls: FakeControls) -> None:
    controls.history = [ENDED]
    window.show()
    window.select("c1")
    window.call_back_button.click()
    assert controls.named("dial") == [("+61491570006",)]
    with qtbot.waitSignal(window.cardRequested) as opened:
        window.open_button.click()
    assert opened.args[0].call_id == "c1"


def test_the_callback_list(window: HistoryWindow, controls: FakeControls) -> None:
    controls.missed = [MISSED_PRIYA]
    window.show()
    assert window.missed_box.isVisible()
    (row,) = window.missed_rows
    assert row.text_label.text() == f"Priya Raman · 0491 570 006 — 2 missed calls, last {when_text(T0)}"
    row.call_back_button.click()
    row.dismiss_button.click()
    assert controls.named("dial") == [("+61491570006",)]
    assert controls.named("dismiss_missed") == [("+61491570006",)]
    controls.missed = []
    window.refresh()
    assert not window.missed_box.isVisible() and window.missed_rows == []


def test_a_missed_call_from_no_number_cannot_be_called_back(window: HistoryWindow, controls: FakeControls) -> None:
    controls.missed = [replace(MISSED_PRIYA, e164=None, name="", number="anonymous", number_display="anonymous")]
    window.show()
    (row,) = window.missed_rows
    assert not row.call_back_button.isEnabled() and row.dismiss_button.isEnabled()


# -- in the shell -------------------------------------------------------------------------------


@pytest.fixture
def shell(qtbot: QtBot, controls: FakeControls) -> Iterator[tuple[UiShell, Bridge]]:
    bridge = Bridge()
    ui = UiShell(controls, bridge, settled_close_ms=0, use_tray=False)
    ui.start()
    yield ui, bridge
    ui.shutdown()


def test_missed_calls_badge_the_icon(shell: tuple[UiShell, Bridge], controls: FakeControls) -> None:
    ui, bridge = shell
    window = ui.tray.main_window  # no tray offscreen: the fallback window's icon carries the badge
    assert window is not None
    plain = window.icon_label.pixmap().toImage()
    controls.missed = [MISSED_PRIYA, replace(MISSED_PRIYA, key="x", e164=None)]
    bridge.tray_state_changed(TrayState.IDLE, "Ready")  # the core reports a change; the badge follows
    assert ui.tray.missed == 2
    assert "2 missed call(s) to return" in ui.tray.tooltip()
    assert window.icon_label.pixmap().toImage() != plain
    controls.missed = []
    bridge.tray_state_changed(TrayState.IDLE, "Ready")
    assert ui.tray.missed == 0 and window.icon_label.pixmap().toImage() == plain


def test_the_tray_icon_itself_gets_the_badge(controls: FakeControls) -> None:
    tray = TrayController(controls, use_tray=True)
    assert tray.tray_icon is not None
    plain = tray.tray_icon.icon().pixmap(22, 22).toImage()
    tray.set_missed(3)
    assert tray.tray_icon.icon().pixmap(22, 22).toImage() != plain
    assert badge_text(3) == "3" and badge_text(12) == "9+"


def test_tray_recent_calls_opens_the_history_window(shell: tuple[UiShell, Bridge], controls: FakeControls) -> None:
    ui, bridge = shell
    controls.history = [ENDED]
    controls.missed = [MISSED_PRIYA]
    bridge.tray_state_changed(TrayState.IDLE, "Ready")  # the badge's count, which the menu repeats
    ui.tray.menu.refresh_recent()
    (history,) = [a for a in ui.tray.menu.recent_menu.actions() if a.objectName() == "historyAction"]
    assert history.text() == "History and missed calls (1 to call back)…"
    history.trigger()
    assert ui.history_window is not None and ui.history_window.isVisible()
    assert [v.call_id for v in ui.history_window.views] == ["c1"]


def test_a_card_opened_from_history_stays_up(qtbot: QtBot, shell: tuple[UiShell, Bridge],
                                             controls: FakeControls) -> None:
    ui, bridge = shell
    logged = with_notes(ENDED, NoteStatus.LOGGED)
    bridge.call_updated(logged)  # settled: closes by itself (settled_close_ms=0)…
    qtbot.waitUntil(lambda: ui.card("c1") is None)
    controls.history = [logged]
    window = ui.open_history()
    window.select("c1")
    window.open_button.click()  # …but reopened from history it stays until closed
    card = ui.card("c1")
    assert card is not None and card.isVisible()
    bridge.call_updated(logged)
    other = replace(logged, call_id="c2")  # a settled card that is not reopened closes meanwhile
    bridge.call_updated(other)
    qtbot.waitUntil(lambda: ui.card("c2") is None)
    assert ui.card("c1") is card and card.isVisible()


def test_the_history_window_refreshes_when_the_core_reports_a_change(
        qtbot: QtBot, shell: tuple[UiShell, Bridge], controls: FakeControls) -> None:
    ui, bridge = shell
    window = ui.open_history()
    assert window.views == []
    controls.history = [ENDED]
    bridge.tray_state_changed(TrayState.IDLE, "Ready")
    qtbot.waitUntil(lambda: [v.call_id for v in window.views] == ["c1"])


def test_a_refresh_due_when_the_window_closes_is_dropped(
        qtbot: QtBot, shell: tuple[UiShell, Bridge], controls: FakeControls) -> None:
    """Quitting closes the window, then the database: a refresh still due would read a closed database."""
    ui, bridge = shell
    window = ui.open_history()
    bridge.tray_state_changed(TrayState.IDLE, "Ready")  # the core reports a change: refresh in 50 ms
    window.search_edit.setText("Priya")  # a search typed: runs after a pause
    assert window._refresh_timer.isActive() and window._search_timer.isActive()
    window.close()
    assert not window._refresh_timer.isActive() and not window._search_timer.isActive()


# -- on the card --------------------------------------------------------------------------------


def test_the_card_offers_what_to_do_about_a_note(qtbot: QtBot, controls: FakeControls) -> None:
    card = CallCard(controls, with_notes(ENDED, NoteStatus.UNCONFIRMED, "Recruit Wizard didn't confirm."))
    qtbot.addWidget(card)
    (links,) = card.note_action_rows
    assert "It’s there" in links.text() and "Send again" in links.text()
    assert links in card.focus_chain()
    links.linkActivated.emit(CONFIRM)
    assert controls.named("confirm_note") == [("c1", PRIYA.key)]
    card.render(with_notes(ENDED, NoteStatus.FAILED, "refused"))
    (links,) = card.note_action_rows
    assert "Retry" in links.text()
    card.render(with_notes(ENDED, NoteStatus.LOGGED))
    assert card.note_action_rows == []
    card.render(replace(with_notes(ENDED, NoteStatus.PENDING), direction=Direction.OUTBOUND))
    assert card.note_action_rows == []


def test_the_same_person_in_several_crms_reads_as_one_person(window: HistoryWindow, controls: FakeControls) -> None:
    in_tr = PRIYA.model_copy(update={"account_id": "tr", "id": "77"})
    controls.history = [call(found(RW, PRIYA), found(TR, in_tr), state=CallState.ENDED)]
    window.show()
    assert cells(window, 0)[3] == "Priya Raman (Recruit Wizard, TrackerRMS)"
