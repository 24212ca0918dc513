"""Tray → Pause pops ▸ 15 minutes, 1 hour, until tomorrow 09:00, until resumed; the menu follows core."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.core.views import PauseFor
from app.ui.tray.tray import TrayController
from tests.ui.helpers import FakeControls


@pytest.fixture
def tray(qtbot: QtBot, controls: FakeControls) -> Iterator[TrayController]:
    controller = TrayController(controls, use_tray=False)
    if controller.main_window is not None:
        qtbot.addWidget(controller.main_window)
    yield controller
    controller.hide()


def test_the_pause_menu_offers_the_choices(tray: TrayController) -> None:
    texts = [a.text() for a in tray.menu.pause_menu.actions() if not a.isSeparator()]
    assert texts == ["For 15 minutes", "For 1 hour", "Until tomorrow 09:00", "Until I resume"]
    assert not tray.menu.resume_action.isVisible()


def test_a_timed_pause_is_sent_to_core_and_the_tray_shows_until_when(
        qtbot: QtBot, tray: TrayController, controls: FakeControls) -> None:
    with qtbot.waitSignal(tray.pausedChanged) as changed:
        tray.menu.pause_for_actions[PauseFor.QUARTER_HOUR].trigger()
    assert changed.args == [True]
    assert controls.named("pause") == [(PauseFor.QUARTER_HOUR,)]
    assert controls.named("set_paused") == []  # the timed pause is core's, not an untimed one on top
    assert tray.menu.pause_action.isChecked() and tray.menu.resume_action.isVisible()
    tray.set_state("idle", "Paused until 14:45")  # what core says
    assert tray.menu.status_action.text().endswith("Paused until 14:45")


def test_when_core_ends_the_pause_the_menu_and_shell_hear_of_it(
        qtbot: QtBot, tray: TrayController, controls: FakeControls) -> None:
    tray.menu.pause_for_actions[PauseFor.HOUR].trigger()
    controls.paused = False  # the timer ran out in core
    with qtbot.waitSignal(tray.pausedChanged) as changed:
        tray.set_state("idle", "Ready")
    assert changed.args == [False]
    assert not tray.menu.pause_action.isChecked() and not tray.menu.resume_action.isVisible()
    assert controls.named("set_paused") == []


def test_resume_pops(qtbot: QtBot, tray: TrayController, controls: FakeControls) -> None:
    tray.menu.pause_for_actions[PauseFor.TOMORROW].trigger()
    with qtbot.waitSignal(tray.pausedChanged) as changed:
        tray.menu.resume_action.trigger()
    assert changed.args == [False]
    assert controls.named("set_paused") == [(False,)]
