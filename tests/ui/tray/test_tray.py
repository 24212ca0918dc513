"""TrayController: the fallback window under offscreen, the shared menu, state, messages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from app.core.models import Direction, NoteStatus
from app.core.views import CallState
from app.ui.tray.tray import TrayController
from tests.ui.helpers import PRIYA, RW, FakeControls, call, found, not_found, with_notes


@pytest.fixture
def tray(qtbot: QtBot, controls: FakeControls) -> Iterator[TrayController]:
    controller = TrayController(controls)
    if controller.main_window is not None:
        qtbot.addWidget(controller.main_window)
    yield controller
    controller.hide()


def test_offscreen_has_no_tray_so_the_window_stands_in(qtbot: QtBot, tray: TrayController) -> None:
    assert not QSystemTrayIcon.isSystemTrayAvailable()
    assert not tray.using_tray and tray.tray_icon is None
    assert tray.main_window is not None
    tray.show()
    qtbot.waitExposed(tray.main_window)
    assert tray.main_window.isVisible()
    assert tray.main_window.windowTitle() == "Ringside"
    assert tray.main_window.state_label.text() == "Ready"


def test_simulate_menu_lists_the_demo_callers(tray: TrayController, controls: FakeControls) -> None:
    assert tray.main_window is not None
    assert tray.main_window.simulate_button.menu() is tray.menu.simulate_menu
    texts = [a.text() for a in tray.menu.simulate_menu.actions() if not a.isSeparator()]
    assert texts == [
        "Priya Raman — contact, Kestrel Software\t+61 491 570 006",
        "Harbourline Logistics office — 2 contacts\t+61 3 7010 0200",
        "Unknown caller\t+61 491 570 159",
        "Other number…",
    ]
    tray.menu.simulate_menu.actions()[1].trigger()
    assert controls.named("simulate_call") == [("+61370100200", Direction.INBOUND)]


def test_other_number_asks_without_blocking(qtbot: QtBot, tray: TrayController, controls: FakeControls) -> None:
    tray.menu.other_number_action.trigger()
    dialog = tray.menu.number_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.setTextValue("  0491 570 006 ")
    dialog.accept()
    assert controls.named("simulate_call") == [("0491 570 006", Direction.INBOUND)]
    qtbot.waitUntil(lambda: tray.menu.number_dialog is None)


def test_other_number_cancelled_rings_nothing(tray: TrayController, controls: FakeControls) -> None:
    tray.menu.other_number_action.trigger()
    assert tray.menu.number_dialog is not None
    tray.menu.number_dialog.reject()
    assert controls.named("simulate_call") == []


def test_recent_calls(tray: TrayController, controls: FakeControls) -> None:
    tray.menu.refresh_recent()
    empty, _, history = tray.menu.recent_menu.actions()
    assert empty.text() == "No calls yet" and not empty.isEnabled()
    assert history.text() == "History and missed calls…"  # ui/history.py

    logged = with_notes(call(found(RW, PRIYA), state=CallState.ENDED), NoteStatus.LOGGED)
    missed = call(
        not_found(RW), state=CallState.MISSED, call_id="c2", number_display="0491 570 159", direction=Direction.INBOUND
    )
    controls.recent = [logged, missed]
    tray.menu.refresh_recent()
    assert [a.text() for a in tray.menu.recent_menu.actions() if not a.isSeparator()] == [
        "14:02 ↙ Priya Raman · logged",
        "14:02 ↙ 0491 570 159 · missed",
        "History and missed calls…",
    ]


def test_pause_pops(tray: TrayController, controls: FakeControls, qtbot: QtBot) -> None:
    assert tray.main_window is not None
    tray.show()
    qtbot.waitExposed(tray.main_window)
    with qtbot.waitSignal(tray.pausedChanged) as changed:
        check = tray.main_window.pause_check
        qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))
    assert changed.args == [True]
    assert controls.named("set_paused") == [(True,)]
    assert tray.menu.pause_action.isChecked()
    tray.menu.pause_action.trigger()
    assert not tray.main_window.pause_check.isChecked()
    assert controls.named("set_paused") == [(True,), (False,)]


def test_state_shows_in_window_and_tooltip(tray: TrayController) -> None:
    assert tray.main_window is not None
    tray.set_state("ringing", "0491 570 006 · Priya Raman")
    assert tray.main_window.state_label.text() == "Ringing"
    assert tray.main_window.detail_label.text() == "0491 570 006 · Priya Raman"
    assert tray.tooltip() == "Ringside — Ringing\n0491 570 006 · Priya Raman"
    assert tray.menu.status_action.text() == "Ringside — Ringing"
    tray.set_state("attention", "A note failed to log")
    assert tray.main_window.state == "attention"
    assert not tray.main_window.icon_label.pixmap().isNull()


def test_messages_without_a_tray(qtbot: QtBot, tray: TrayController) -> None:
    assert tray.main_window is not None
    tray.show_message("Recruit Wizard needs you to sign in again.", error=True)
    assert tray.main_window.message_label.text() == "Recruit Wizard needs you to sign in again."
    assert tray.main_window.message_label.property("error") is True
    [toast] = tray.toasts
    assert toast.isVisible() and toast.label.text() == "Recruit Wizard needs you to sign in again."
    qtbot.mouseClick(toast, Qt.MouseButton.LeftButton)
    assert not toast.isVisible()


def test_quit(qtbot: QtBot, tray: TrayController) -> None:
    assert tray.main_window is not None
    tray.show()
    qtbot.waitExposed(tray.main_window)
    with qtbot.waitSignal(tray.quitRequested):
        qtbot.mouseClick(tray.main_window.quit_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(tray.quitRequested):
        tray.menu.quit_action.trigger()


def test_with_a_tray_icon(qtbot: QtBot, controls: FakeControls) -> None:
    controller = TrayController(controls, use_tray=True)
    assert controller.tray_icon is not None and controller.main_window is None
    assert controller.tray_icon.contextMenu() is controller.menu
    controller.set_state("in_call", "Priya Raman")
    assert controller.tray_icon.toolTip() == "Ringside — In call\nPriya Raman"
    assert not controller.tray_icon.icon().isNull()
