"""The tray shown while the app behind it is still being built: it says so and offers only Quit;
once attached, every action works and the state is the app's."""

from __future__ import annotations

from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from app.ui.tray.tray import TrayController
from tests.ui.helpers import FakeControls


def test_the_window_says_starting_and_offers_only_quit_until_attached(qtbot: QtBot, controls: FakeControls) -> None:
    tray = TrayController(None, use_tray=False)
    window = tray.main_window
    assert window is not None
    qtbot.addWidget(window)
    tray.show()
    qtbot.waitExposed(window)
    assert window.state_label.text() == "Starting…"
    assert tray.menu.status_action.text() == "Ringside — Starting…"
    waiting = [window.dial_button, window.simulate_button, window.recent_button, window.pause_check,
               window.settings_button]
    assert not any(w.isEnabled() for w in waiting)
    assert not tray.menu.dial_action.isEnabled() and not tray.menu.settings_action.isEnabled()
    assert window.quit_button.isEnabled() and tray.menu.quit_action.isEnabled()
    tray.set_state("ringing", "0491 570 006")  # nothing behind it to ask yet: no error, still starting
    assert window.state_label.text() == "Starting…"
    with qtbot.waitSignal(tray.quitRequested):
        window.quit_button.click()

    tray.attach(controls)
    assert all(w.isEnabled() for w in waiting)
    assert window.state_label.text() == "Ringing" and tray.menu.status_action.text() == "Ringside — Ringing"
    labels = [a.text() for a in tray.menu.simulate_menu.actions()]
    assert any(label.startswith("Priya Raman") for label in labels)  # the demo callers, from controls
    tray.hide()


def test_the_tray_icon_says_starting_in_its_tooltip(qtbot: QtBot, controls: FakeControls) -> None:
    tray = TrayController(None, use_tray=True)
    assert isinstance(tray.tray_icon, QSystemTrayIcon)
    assert tray.tray_icon.toolTip() == "Ringside — Starting…"
    tray.attach(controls)
    assert tray.tray_icon.toolTip() == "Ringside — Ready"
    tray.hide()
