"""One click back in: the card's "Sign in again" and the tray's entry for an account whose sign-in
failed, and the card position setting."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.ui.bridge import Bridge
from app.ui.card.card import SCREEN_MARGIN, CallCard
from app.ui.shell import UiShell
from app.ui.tray.menu import TrayMenu
from tests.ui.helpers import ETHAN, RW, TR, FakeControls, call, error, found


def test_a_section_needing_sign_in_has_a_button_that_asks_for_it(qtbot: QtBot, controls: FakeControls) -> None:
    view = call(error(TR, "TrackerRMS needs you to sign in again.", needs_sign_in=True), found(RW, ETHAN))
    card = CallCard(controls, view)
    qtbot.addWidget(card)
    card.show()
    section = card.section("tr")
    assert section is not None and section.sign_in_button is not None
    assert section.sign_in_button.isVisible() and section.sign_in_button.text() == "Sign in again"
    assert section.sign_in_button in card.focus_chain()
    section.sign_in_button.click()
    assert controls.named("sign_in") == [("tr",)]
    other = card.section("rw")
    assert other is not None and other.sign_in_button is None  # the other account is fine


def test_other_errors_have_no_sign_in_button(qtbot: QtBot, controls: FakeControls) -> None:
    card = CallCard(controls, call(error(RW, "Recruit Wizard didn't answer within 3 s.")))
    qtbot.addWidget(card)
    section = card.section("rw")
    assert section is not None and section.sign_in_button is None


def test_the_tray_menu_offers_to_sign_in_again(qtbot: QtBot, controls: FakeControls) -> None:
    menu = TrayMenu(controls)
    qtbot.addWidget(menu)
    menu.aboutToShow.emit()
    assert menu.sign_in_actions == []
    controls.signed_out = [("rw", "Recruit Wizard")]
    menu.aboutToShow.emit()
    assert [a.text() for a in menu.sign_in_actions] == ["Sign in to Recruit Wizard again…"]
    actions = menu.actions()
    assert actions.index(menu.sign_in_actions[0]) < actions.index(menu.dial_action)  # near the top
    menu.sign_in_actions[0].trigger()
    assert controls.named("sign_in") == [("rw",)]
    controls.signed_out = []
    menu.aboutToShow.emit()
    assert menu.sign_in_actions == [] and all("Sign in" not in a.text() for a in menu.actions())


@pytest.mark.parametrize("corner", ["bottom-right", "top-right", "bottom-left", "top-left"])
def test_cards_sit_in_the_chosen_corner(qtbot: QtBot, controls: FakeControls, corner: str) -> None:
    shell = UiShell(controls, Bridge(), use_tray=False)
    shell.set_card_position(corner)
    shell.on_call_updated(call(found(RW, ETHAN), call_id="a"))
    shell.on_call_updated(call(found(RW, ETHAN), call_id="b"))
    newest, older = shell.cards()
    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    area = screen.availableGeometry()
    x = area.left() + SCREEN_MARGIN if corner.endswith("left") else area.right() + 1 - SCREEN_MARGIN - newest.width()
    y = area.top() + SCREEN_MARGIN if corner.startswith("top") else area.bottom() + 1 - SCREEN_MARGIN - newest.height()
    assert newest.pos() == QPoint(x, y)
    # The older card stacks away from the corner.
    assert (older.y() > newest.y()) if corner.startswith("top") else (older.y() < newest.y())
    shell.shutdown()


def test_settings_is_offered_only_when_there_are_settings_to_edit(qtbot: QtBot, controls: FakeControls) -> None:
    shell = UiShell(controls, Bridge(), use_tray=False)
    assert not shell.tray.menu.settings_action.isVisible()
    assert shell.open_settings() is None
    shell.shutdown()
